"""Reads of the advertising app: the member's profile, the choice of an ad, reports.

Choosing happens here, on our own server, from the profile the member sees and
edits; nothing about the member is ever sent out (Brave Ads' model). The choice
is personalised only when ``privacy.consent.given(P7, request=...)`` says yes
(advertising consent and no Global Privacy Control); otherwise it is contextual,
from the page alone, and nothing about the visit is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from petite.privacy import consent, purposes

from .models import (
    Advertiser,
    BlockedAdvertiser,
    Campaign,
    DailyCount,
    ExcludedInterest,
    InterestCategory,
    Placement,
    ProfileInterest,
)

_WHY_SALT = "petite.ads.why"
_CLICK_SALT = "petite.ads.click"
PLACEMENT_FIELD = {
    Placement.HOME: "on_home",
    Placement.ARTICLE: "on_articles",
    Placement.OFFER: "on_offers",
}


def personalisation_allowed(request: HttpRequest) -> bool:
    return consent.given(purposes.P7, request=request)


def fresh_since(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.PETITE_ADS_INTEREST_DAYS)


def profile_of(member: Any) -> QuerySet[ProfileInterest]:
    """The interests used to choose the member's ads: fresh, not removed, top N."""
    excluded = ExcludedInterest.objects.filter(member=member).values("interest")
    return (
        ProfileInterest.objects.filter(member=member)
        .filter(Q(added_by_member=True) | Q(last_seen_at__gte=fresh_since()))
        .exclude(interest__in=excluded)
        .select_related("interest")
        .order_by("-added_by_member", "-weight", "-last_seen_at")[
            : settings.PETITE_ADS_PROFILE_SIZE
        ]
    )


def excluded_of(member: Any) -> QuerySet[ExcludedInterest]:
    return ExcludedInterest.objects.filter(member=member).select_related("interest")


def blocked_of(member: Any) -> QuerySet[BlockedAdvertiser]:
    return BlockedAdvertiser.objects.filter(member=member).select_related("advertiser")


def addable_interests(member: Any) -> QuerySet[InterestCategory]:
    held = ProfileInterest.objects.filter(member=member, added_by_member=True).values("interest")
    return InterestCategory.objects.exclude(pk__in=held)


def advertisers_to_block(member: Any) -> QuerySet[Advertiser]:
    blocked = BlockedAdvertiser.objects.filter(member=member).values("advertiser")
    return Advertiser.objects.exclude(pk__in=blocked)


@dataclass(frozen=True)
class Candidate:
    """A running campaign as the chooser needs it: read once, kept a few seconds."""

    campaign_id: int
    advertiser_id: int
    advertiser_name: str
    payer: str
    interest_ids: frozenset[int]
    interest_keys: dict[int, str]
    contexts: tuple[str, ...]
    starts_on: dt.date
    ends_on: dt.date
    creative_id: int
    headline: str
    text: str
    image_url: str
    image_alt: str


@dataclass(frozen=True)
class Choice:
    """An ad chosen for a place, and exactly why (DSA Art. 26(1)(d))."""

    candidate: Candidate
    basis: str  # "interests" or "context"
    interests: tuple[str, ...] = ()  # interest keys used
    context: str = ""
    placement: str = ""

    def why_token(self) -> str:
        return signing.dumps(
            {
                "c": self.candidate.campaign_id,
                "b": self.basis,
                "i": list(self.interests),
                "x": self.context,
                "p": self.placement,
            },
            salt=_WHY_SALT,
        )

    def click_token(self) -> str:
        return signing.dumps(
            {"k": self.candidate.creative_id, "c": self.candidate.campaign_id}, salt=_CLICK_SALT
        )


def read_why(token: str) -> dict[str, Any] | None:
    try:
        value = signing.loads(token, salt=_WHY_SALT, max_age=dt.timedelta(days=7))
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) else None


def read_click(token: str) -> dict[str, Any] | None:
    try:
        value = signing.loads(token, salt=_CLICK_SALT, max_age=dt.timedelta(days=7))
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) else None


# The inventory changes a few times a day and is read on every page: it is kept in the
# cache CACHE_SECONDS. The budget stays exact: an impression is counted only while the
# campaign's count is under its budget, in the database (actions.count_impression).
CACHE_SECONDS = 15
_CACHE_PREFIX = "petite.ads."


def forget_cached_inventory() -> None:
    cache.delete_many(
        [f"{_CACHE_PREFIX}taxonomy", *(f"{_CACHE_PREFIX}inventory.{p}" for p in Placement.values)]
    )


def interest_ids_for_context(context: str) -> list[int]:
    if not context:
        return []
    index: dict[str, list[int]] | None = cache.get(f"{_CACHE_PREFIX}taxonomy")
    if index is None:
        index = {}
        for pk, contexts in InterestCategory.objects.values_list("pk", "contexts"):
            for key in contexts or []:
                index.setdefault(str(key), []).append(pk)
        cache.set(f"{_CACHE_PREFIX}taxonomy", index, CACHE_SECONDS)
    return index.get(context, [])


def candidates(placement: str) -> list[Candidate]:
    key = f"{_CACHE_PREFIX}inventory.{placement}"
    found: list[Candidate] | None = cache.get(key)
    if found is None:
        found = _read_candidates(placement)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _read_candidates(placement: str) -> list[Candidate]:
    flag = PLACEMENT_FIELD.get(Placement(placement)) if placement in Placement.values else None
    if flag is None:
        return []
    today = timezone.localdate()
    campaigns = (
        Campaign.objects.filter(
            **{flag: True}, ends_on__gte=today, impressions__lt=F("budget_impressions")
        )
        .select_related("advertiser")
        .prefetch_related("interests", "creatives")
        .order_by("pk")
    )
    found = []
    for campaign in campaigns:
        creatives = sorted(campaign.creatives.all(), key=lambda c: c.pk)
        if not creatives:
            continue
        creative = creatives[0]
        interests = list(campaign.interests.all())
        found.append(
            Candidate(
                campaign_id=campaign.pk,
                advertiser_id=campaign.advertiser_id,
                advertiser_name=campaign.advertiser.name,
                payer=campaign.advertiser.payer,
                interest_ids=frozenset(i.pk for i in interests),
                interest_keys={i.pk: i.key for i in interests},
                contexts=tuple(str(c) for c in campaign.contexts or []),
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                creative_id=creative.pk,
                headline=creative.headline,
                text=creative.text,
                image_url=(
                    creative.image.url if creative.image and not creative.is_quarantined else ""
                ),
                image_alt=creative.image_alt,
            )
        )
    return found


@dataclass
class MemberView:
    """What the chooser needs about a member: the weights of their profile's interests and
    the advertisers they blocked. Kept in the cache MEMBER_SECONDS, and forgotten at once
    when the member changes their profile, blocks an advertiser or withdraws consent (so a
    removed interest or a block holds from the next page); weights may lag by that long."""

    weights: dict[int, int] = field(default_factory=dict)  # interest id -> weight (+ bonus)
    blocked: set[int] = field(default_factory=set)  # advertiser ids


MEMBER_SECONDS = 60


def _member_key(member: Any) -> str:
    return f"{_CACHE_PREFIX}member.{member.pk}"


def forget_member_view(member: Any) -> None:
    cache.delete(_member_key(member))


def member_view(member: Any, *, personalised: bool) -> MemberView:
    key = _member_key(member)
    view: MemberView | None = cache.get(key)
    if view is None:
        view = MemberView(
            blocked=set(
                BlockedAdvertiser.objects.filter(member=member).values_list(
                    "advertiser_id", flat=True
                )
            )
        )
        for item in profile_of(member):
            view.weights[item.interest_id] = item.weight + (1000 if item.added_by_member else 0)
        cache.set(key, view, MEMBER_SECONDS)
    if not personalised:
        return MemberView(blocked=view.blocked)
    return view


def ranked(
    *, placement: str, context: str, view: MemberView | None, personalised: bool, today: dt.date
) -> list[Choice]:
    """The ads that may fill this place, best first. Personalised ones only when
    ``personalised`` (consent checked by the caller), then contextual ones; never an ad
    from a blocked advertiser or chosen from an interest the member removed. The budget
    and the frequency cap are checked when the impression is counted."""
    running = [
        c
        for c in candidates(placement)
        if c.starts_on <= today <= c.ends_on
        and (view is None or c.advertiser_id not in view.blocked)
    ]
    choices: list[Choice] = []
    if personalised and view is not None and view.weights:
        scored = []
        for candidate in running:
            used = candidate.interest_ids & view.weights.keys()
            if used:
                score = sum(view.weights[i] for i in used)
                keys = tuple(sorted(candidate.interest_keys[i] for i in used))
                scored.append((-score, candidate.campaign_id, candidate, keys))
        for _score, _pk, candidate, keys in sorted(scored, key=lambda s: (s[0], s[1])):
            choices.append(Choice(candidate, "interests", keys, placement=placement))
    if context:
        for candidate in running:
            if context in candidate.contexts:
                choices.append(Choice(candidate, "context", context=context, placement=placement))
    return choices


def report_rows(
    advertiser: Advertiser, first_day: dt.date, last_day: dt.date
) -> tuple[list[dict[str, Any]], int]:
    """Impressions and clicks per campaign per day; any cell below the threshold is withheld
    (None) so that no small group of people can be singled out. Returns (rows, withheld)."""
    threshold = settings.PETITE_ADS_REPORT_MIN_COUNT
    rows: list[dict[str, Any]] = []
    withheld = 0
    counts = (
        DailyCount.objects.filter(
            campaign__advertiser=advertiser, day__gte=first_day, day__lte=last_day
        )
        .select_related("campaign")
        .order_by("campaign__name", "day")
    )
    for count in counts:
        row: dict[str, Any] = {"campaign": count.campaign.name, "day": count.day.isoformat()}
        for name in ("impressions", "clicks"):
            value = getattr(count, name)
            if value < threshold:
                row[name] = None
                withheld += 1
            else:
                row[name] = value
        rows.append(row)
    return rows, withheld
