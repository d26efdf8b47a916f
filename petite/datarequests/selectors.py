"""Reads of the data-request desk."""

from __future__ import annotations

from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils import timezone

from petite.accounts.models import Member

from .models import OPEN_STATUSES, DataRequest, DataRequestEvent

# The digest warns about requests due within this window (and every overdue one).
DIGEST_WINDOW = timedelta(days=7)

# What a member sees of their request's history: not staff notes, nor the
# bookkeeping of the identity link.
MEMBER_VISIBLE_EVENTS = (
    DataRequestEvent.Kind.RECEIVED,
    DataRequestEvent.Kind.MESSAGE_IN,
    DataRequestEvent.Kind.MESSAGE_OUT,
    DataRequestEvent.Kind.STATUS,
    DataRequestEvent.Kind.KIND,
    DataRequestEvent.Kind.IDENTITY,
    DataRequestEvent.Kind.EXTENDED,
    DataRequestEvent.Kind.RECTIFIED,
    DataRequestEvent.Kind.EXPORTED,
    DataRequestEvent.Kind.ERASED,
    DataRequestEvent.Kind.ACCOUNT_DELETION,
)


def requests_of(member: Member) -> QuerySet[DataRequest]:
    """A member's own requests, newest first (object-level: never anyone else's)."""
    return DataRequest.objects.filter(member=member).order_by("-received_at")


def request_of(member: Member, reference: str) -> DataRequest | None:
    return requests_of(member).filter(reference=reference.upper()).first()


def history_for_member(data_request: DataRequest) -> QuerySet[DataRequestEvent]:
    return data_request.events.filter(kind__in=MEMBER_VISIBLE_EVENTS)


def due_soon(now: datetime | None = None) -> QuerySet[DataRequest]:
    """Requests still open that are overdue or due within the digest window."""
    now = now or timezone.now()
    return DataRequest.objects.filter(
        status__in=OPEN_STATUSES, due_at__lte=now + DIGEST_WINDOW
    ).order_by("due_at")


def by_reference(reference: str) -> DataRequest | None:
    return DataRequest.objects.filter(reference=reference.upper()).first()


def already_received(message_id: str) -> DataRequest | None:
    """The request that already holds the e-mail with this Message-ID, if any
    (a provider's retry or a message piped twice)."""
    if not message_id:
        return None
    event = (
        DataRequestEvent.objects.filter(
            kind__in=(DataRequestEvent.Kind.RECEIVED, DataRequestEvent.Kind.MESSAGE_IN),
            data__message_id=message_id,
        )
        .select_related("request")
        .first()
    )
    return event.request if event else None


def verified_account(email: str) -> Member | None:
    """The member for whom ``email`` is a verified address, if any."""
    address = (
        EmailAddress.objects.filter(email__iexact=email.strip(), verified=True)
        .select_related("user")
        .first()
    )
    user = address.user if address is not None else None
    return user if isinstance(user, Member) else None
