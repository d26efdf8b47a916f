"""Every write of the consent app: a choice is recorded, a visitor's records are linked."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from petite.accounts.models import Member
from petite.core import audit
from petite.privacy import consent

from . import selectors
from .choices import ADS, AUDIENCE, CATEGORIES, banner_version
from .models import ConsentRecord


def record_choice(
    *,
    visitor_id: str,
    consents: Mapping[str, bool],
    action: ConsentRecord.Action,
    member: Member | None = None,
    global_privacy_control: bool = False,
    language: str = "",
) -> ConsentRecord:
    """Keep the proof of one choice: what, by whom, under which wording and notice."""
    missing = [c.key for c in CATEGORIES if c.key not in consents]
    if missing:
        raise ValueError(f"A choice must say yes or no for every category; missing {missing}.")
    # Read before the transaction: the notice version may come from another app's tables.
    notice_version = selectors.notice_version()
    with transaction.atomic():
        record = ConsentRecord.objects.create(
            member=member if member is not None and member.pk else None,
            visitor_id=visitor_id,
            action=action,
            audience=bool(consents[AUDIENCE.key]),
            ads=bool(consents[ADS.key]),
            global_privacy_control=global_privacy_control,
            notice_version=notice_version,
            banner_version=banner_version(),
            language=language[:10],
        )
        audit.record("consent.chosen", actor=record.member, target=record, choice=str(action))
        # What was kept under a consent now refused goes in the same transaction.
        for category in CATEGORIES:
            if not consents[category.key] or (category is ADS and global_privacy_control):
                consent.withdrawn(category.key, member=record.member)
    return record


@transaction.atomic
def link_visitor_records(*, visitor_id: str, member: Member) -> int:
    """Give the member the choices made in their browser before they signed in.

    Only rows nobody owns yet move: what a browser chose while someone else was
    signed in stays that person's. Returns how many rows were linked.
    """
    linked = ConsentRecord.objects.filter(visitor_id=visitor_id, member__isnull=True).update(
        member=member
    )
    if linked:
        audit.record("consent.linked", actor=member, records=linked)
    return linked
