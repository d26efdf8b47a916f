"""Legal holds: a member's data frozen, not erased, until the hold lifts (S5).

The privacy core asks this app who is held (``holds.provide`` in apps.py): erasure
waits with a receipt that says so, retention skips the member's rows. Lifting the
hold is all it takes to resume: the hourly erasure of closing accounts then finds
the member free, and completes the receipt the hold froze.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from petite.accounts.models import Member
from petite.core import audit
from petite.core.errors import ActionRefused

from ..events import Event
from ..models import AuthorityRequest, LegalHold


@transaction.atomic
def place_hold(
    *, member: Member, actor: Member, reason: str, request: AuthorityRequest | None = None
) -> LegalHold:
    if not reason.strip():
        raise ActionRefused("A legal hold needs its reason.", code="legal.hold_reason")
    existing = LegalHold.objects.active().filter(member=member).first()
    if existing is not None:
        return existing
    hold = LegalHold.objects.create(member=member, reason=reason.strip()[:300], request=request)
    audit.record(Event.HOLD_PLACED, actor=actor, target=hold, member=member.pk)
    return hold


@transaction.atomic
def lift_hold(*, hold: LegalHold, actor: Member) -> LegalHold:
    locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if locked.lifted_at is not None:
        raise ActionRefused("This hold was already lifted.", code="legal.hold_lifted", status=409)
    locked.lifted_at = timezone.now()
    locked.save(update_fields=["lifted_at"])
    audit.record(Event.HOLD_LIFTED, actor=actor, target=locked, member=locked.member_id)
    return locked
