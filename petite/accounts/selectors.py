"""Reads of the accounts app: a member's own sign-in history and sessions, and what
deleting an account erases and keeps (read from the privacy inventory)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.usersessions.models import UserSession
from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from petite.privacy import registry
from petite.privacy.categories import CATEGORIES, Category
from petite.privacy.declarations import Erasure

from .models import ConnectionEvent, Member


def display_name(user: Any) -> str:
    """How pages and e-mails name a member to themselves: their first name (allauth's
    ACCOUNT_USER_DISPLAY). Never ``str(member)``, which is "Member #N" on purpose."""
    return str(getattr(user, "first_name", "") or gettext("you"))


def connection_history(member: Member) -> QuerySet[ConnectionEvent]:
    """The member's sign-in attempts, newest first: only ever their own rows."""
    return ConnectionEvent.objects.filter(member=member).order_by("-created_at", "-id")


def active_sessions(member: Member) -> list[UserSession]:
    """The member's sessions seen within the session lifetime, most recent first.

    A cheap listing for the account page; allauth's sessions page also purges
    sessions whose cookie expired, at the cost of a few queries per session.
    """
    since = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return list(
        UserSession.objects.filter(user=member, last_seen_at__gte=since).order_by("-last_seen_at")
    )


# --- Account deletion (U2, E4) -------------------------------------------------------


def can_email(member: Member) -> bool:
    """Whether the platform may e-mail ``member`` on its own initiative (notices,
    campaigns, notifications): never a closing or deactivated account (U2).

    Mail the member asked for this very moment (a password reset, an address check)
    is allauth's and not covered; the confirmation that the account was erased is
    the one message sent past this point, and the last.
    """
    return bool(member.email) and member.is_active and not member.is_closing


@dataclass(frozen=True)
class KeptRecord:
    """Records that outlive an erasure, as the deletion page and e-mail describe them."""

    name: str
    reasons: list[str]
    retention: str


def erased_categories() -> list[Category]:
    """The kinds of data an erasure removes, from the inventory, in the notice's order."""
    found: dict[str, Category] = {}
    for declaration in registry.declarations():
        for personal in declaration.fields.values():
            if personal.erasure is not Erasure.KEEP:
                found.setdefault(personal.category.key, personal.category)
    order = list(CATEGORIES)
    return sorted(
        found.values(), key=lambda c: order.index(c.key) if c.key in order else len(order)
    )


def kept_by_law() -> list[KeptRecord]:
    """Records with fields the law makes us keep after an erasure, and why."""
    return [
        KeptRecord(
            name=str(d.verbose_name),
            reasons=_unique(
                str(p.kept_because) for p in d.fields.values() if p.erasure is Erasure.KEEP
            ),
            retention=d.retention.text,
        )
        for d in registry.declarations()
        if any(p.erasure is Erasure.KEEP for p in d.fields.values())
    ]


def kept_without_identity() -> list[KeptRecord]:
    """Records that stay after an erasure with what identifies the member blanked or
    replaced, until their own retention period ends."""
    return [
        KeptRecord(name=str(d.verbose_name), reasons=[], retention=d.retention.text)
        for d in registry.declarations()
        if d.fields
        and not d.deletes_rows
        and not any(p.erasure is Erasure.KEEP for p in d.fields.values())
    ]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


@dataclass(frozen=True)
class ErasedCount:
    name: str
    count: int
    reasons: list[str]


def receipt_summary(outcome: dict[str, Any]) -> dict[str, list[ErasedCount]]:
    """A receipt's counts in the active language, for the confirmation e-mail: what
    was deleted, what stays without identifying anyone, what is kept and why."""
    summary: dict[str, list[ErasedCount]] = {"deleted": [], "pseudonymised": [], "kept": []}
    for label, counts in sorted(outcome.items()):
        if not isinstance(counts, dict):
            continue
        name = _model_name(label)
        if counts.get("deleted"):
            summary["deleted"].append(ErasedCount(name, int(counts["deleted"]), []))
        changed = max(int(counts.get("blanked", 0)), int(counts.get("anonymised", 0)))
        if changed and not counts.get("kept"):
            summary["pseudonymised"].append(ErasedCount(name, changed, []))
        if counts.get("kept"):
            # Reasons are recorded in English, which is their message id.
            reasons = _unique(gettext(r) for r in (counts.get("kept_because") or {}).values())
            summary["kept"].append(ErasedCount(name, int(counts["kept"]), reasons))
    return summary


def _model_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural)
    except (LookupError, ValueError):
        return label
