"""The transparency report (S5): per half-year, from the register, public.

Requests still under a non-disclosure order are left out of every exact count
and reported only as a band (0-249, 250-499...), the way the law allowing such
reports usually frames it; once the order ends, they join the exact counts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count
from django.utils import timezone

from petite.core.models import Delivery

from .models import AuthorityNotice, AuthorityRequest, RequestedAccount

BAND = 250
_PERIOD = re.compile(r"^(?P<year>\d{4})-h(?P<half>[12])$")


@dataclass(frozen=True)
class Period:
    year: int
    half: int

    @property
    def key(self) -> str:
        return f"{self.year}-h{self.half}"

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        return date(self.year, 7, 1) if self.half == 1 else date(self.year + 1, 1, 1)

    @classmethod
    def parse(cls, key: str) -> Period | None:
        found = _PERIOD.match(key)
        return cls(int(found["year"]), int(found["half"])) if found else None

    @classmethod
    def containing(cls, day: date) -> Period:
        return cls(day.year, 1 if day.month <= 6 else 2)

    def previous(self) -> Period:
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)

    def ended(self) -> bool:
        return self.end <= timezone.localdate()


def published_periods() -> list[Period]:
    """Every ended half-year since the first request, newest first."""
    first = AuthorityRequest.objects.order_by("received_on").values_list("received_on", flat=True)
    start = first.first()
    if start is None:
        return []
    periods = []
    current = Period.containing(timezone.localdate()).previous()
    while current.end > start:
        periods.append(current)
        current = current.previous()
    return periods


def band(count: int) -> str:
    low = (count // BAND) * BAND
    return f"{low}-{low + BAND - 1}"


def build(period: Period) -> dict[str, Any]:
    in_period = AuthorityRequest.objects.filter(
        received_on__gte=period.start, received_on__lt=period.end
    )
    gagged = in_period.filter(gag=AuthorityRequest.Gag.ACTIVE)
    told = in_period.exclude(gag=AuthorityRequest.Gag.ACTIVE)

    def by(field: str) -> dict[str, int]:
        rows = told.values(field).annotate(n=Count("pk")).order_by(field)
        return {row[field]: row["n"] for row in rows}

    accounts = RequestedAccount.objects.filter(request__in=told)
    notified = (
        AuthorityNotice.objects.filter(request__in=told, status=Delivery.Status.SENT)
        .values("request_id", "member_id")
        .distinct()
        .count()
    )
    outcomes = Counter(by("decision"))
    return {
        "format": "petite.transparency",
        "version": 1,
        "period": {
            "key": period.key,
            "from": period.start.isoformat(),
            "until": period.end.isoformat(),
        },
        "requests": told.count(),
        "by_type": by("authority_type"),
        "by_country": by("country"),
        "by_outcome": dict(sorted(outcomes.items())),
        "outside_eu_checked_under_art48": told.filter(art48_checked_at__isnull=False).count(),
        "accounts_specified": accounts.count(),
        "accounts_affected": accounts.filter(disclosed=True).count(),
        "accounts_notified": notified,
        "under_non_disclosure": band(gagged.count()),
        "about": (
            "Requests from courts and authorities received in the period. Requests still "
            "under a non-disclosure order are counted only in under_non_disclosure, as a "
            "range; they join the other counts when the order ends."
        ),
    }
