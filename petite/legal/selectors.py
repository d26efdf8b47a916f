"""Reads of the legal register: held members, scopes, members in a transfer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from petite.accounts.models import Member
from petite.core.models import Delivery

from .models import (
    AuthorityNotice,
    AuthorityRequest,
    LegalHold,
    RequestedAccount,
    Transfer,
    TransferNotice,
    TransferObjection,
)


def held_member_ids() -> list[Any]:
    """The members under an active hold (the privacy core's question, see apps.py)."""
    return list(LegalHold.objects.active().values_list("member_id", flat=True).distinct())


def resolve(identifier: str) -> Member | None:
    """The member a request names: by e-mail address, account id or display name.

    A display name matches only when exactly one member has it: an order naming an
    ambiguous name is answered by asking the authority, never by guessing.
    """
    text = identifier.strip()
    if not text:
        return None
    if "@" in text:
        return Member.objects.filter(email__iexact=text).first()
    if text.isdigit():
        return Member.objects.filter(pk=int(text)).first()
    # The Portrait's display name, reached through the relation's name (no import).
    found = list(Member.objects.filter(portrait__display_name__iexact=text)[:2])
    return found[0] if len(found) == 1 else None


def notices(request: AuthorityRequest) -> QuerySet[AuthorityNotice]:
    return AuthorityNotice.objects.filter(request=request)


def disclosed_accounts(request: AuthorityRequest) -> QuerySet[RequestedAccount]:
    return request.accounts.filter(disclosed=True, member__isnull=False)


def gags_to_review(now: Any = None) -> QuerySet[AuthorityRequest]:
    now = now or timezone.now()
    return AuthorityRequest.objects.filter(gag=AuthorityRequest.Gag.ACTIVE, gag_review_at__lte=now)


def gags_to_remind(now: Any = None) -> QuerySet[AuthorityRequest]:
    now = now or timezone.now()
    soon = now + timedelta(days=settings.PETITE_LEGAL_GAG_REMINDER_DAYS)
    return AuthorityRequest.objects.filter(
        gag=AuthorityRequest.Gag.ACTIVE, gag_review_at__gt=now, gag_review_at__lte=soon
    ).exclude(reminded_for=F("gag_review_at"))


def transfer_scope(transfer: Transfer, now: Any = None) -> QuerySet[Member]:
    """Members a transfer concerns: accounts open and not closing, active (signed in,
    or joined) within the transfer's window."""
    now = now or timezone.now()
    since = now - timedelta(days=transfer.active_within_days)
    return Member.objects.visible().filter(
        Q(last_login__gte=since) | Q(last_login__isnull=True, date_joined__gte=since)
    )


def transfer_notices(transfer: Transfer) -> QuerySet[TransferNotice]:
    return TransferNotice.objects.filter(transfer=transfer)


def objectors(transfer: Transfer) -> QuerySet[TransferObjection]:
    return TransferObjection.objects.filter(transfer=transfer)


def transfer_dataset_members(transfer: Transfer) -> QuerySet[Member]:
    """Who goes in the dataset: members told (a delivered notice), minus those who
    objected and those who closed or deleted their account."""
    told = transfer_notices(transfer).filter(status=Delivery.Status.SENT).values("member_id")
    return (
        Member.objects.visible()
        .filter(pk__in=told)
        .exclude(pk__in=objectors(transfer).values("member_id"))
        .order_by("pk")
    )


def open_transfers_for(member: Member) -> QuerySet[Transfer]:
    """Transfers the member was told about that have not run yet."""
    return Transfer.objects.filter(
        status=Transfer.Status.NOTIFYING,
        notices__member=member,
    ).distinct()
