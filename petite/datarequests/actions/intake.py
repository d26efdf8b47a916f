"""Intake: a request arrives (e-mail, a member's account, staff) and lands in the queue."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from petite.accounts.models import Member
from petite.core import audit

from .. import classify, deadlines, selectors
from ..models import DataRequest, DataRequestEvent
from .common import (
    IDENTITY_BY_SESSION,
    Event,
    Status,
    _event,
    new_reference,
)
from .identity import _establish

logger = logging.getLogger(__name__)


@transaction.atomic
def receive_request(
    *,
    channel: str,
    requester_email: str,
    requester_name: str = "",
    subject: str = "",
    text: str = "",
    kind: str | None = None,
    member: Member | None = None,
    received_at: datetime | None = None,
    actor: Member | None = None,
    language: str = "",
    identity_method: str = "",
    details: dict[str, Any] | None = None,
    acknowledge: bool = True,
) -> DataRequest:
    """A new request in the queue, whatever its channel, with its one-month deadline.

    In-app requests from a signed-in member who has just confirmed their password
    are identified at once; staff may record how they identified the requester
    when they enter the request. Otherwise, when the address is a member's
    verified address, a confirmation link goes to it; when it is nobody's, the
    request waits for staff to establish identity. ``details`` are identifiers
    kept with the first message (its Message-ID); ``acknowledge=False`` sends no
    acknowledgement (mail the provider flagged as spam).
    """
    received_at = received_at or timezone.now()
    requester_email = requester_email.strip()
    if channel not in DataRequest.Channel.values:
        raise ValueError(f"Unknown channel {channel!r}")
    data_request = DataRequest(
        reference=new_reference(received_at),
        kind=kind or classify.guess_kind(subject, text),
        channel=channel,
        requester_email=requester_email,
        requester_name=" ".join(requester_name.split())[:200],
        language=language or (member.language if member else "") or "",
        received_at=received_at,
        due_at=deadlines.due_date(received_at),
        status=Status.AWAITING_IDENTITY,
    )
    if not data_request.language:
        data_request.language = classify.guess_language(subject, text)
    data_request.full_clean(exclude=["member"])
    data_request.save()
    identified_by_session = channel == DataRequest.Channel.IN_APP and member is not None
    identified_by_staff = bool(identity_method.strip()) and actor is not None
    account = None
    if not (identified_by_session or identified_by_staff):
        account = selectors.verified_account(requester_email)
        if account is not None and member is not None and member.pk != account.pk:
            account = None  # staff linked another member: they establish identity
    _event(
        data_request,
        Event.RECEIVED,
        actor=actor,
        subject=subject,
        text=text,
        data={"channel": channel, **(details or {})},
        # The confirmation link says all an acknowledgement would.
        notify=acknowledge and account is None,
    )
    audit.record(
        "datarequests.received",
        actor=actor,
        target=data_request,
        channel=channel,
        kind=data_request.kind,
    )
    if identified_by_session:
        _establish(data_request, method=IDENTITY_BY_SESSION, member=member, actor=member)
    elif identified_by_staff:
        _establish(data_request, method=identity_method.strip(), member=member, actor=actor)
    else:
        if member is not None:
            data_request.member = member
            data_request.save(update_fields=["member"])
        if account is not None:
            _event(data_request, Event.IDENTITY_LINK, data={"member": account.pk}, notify=True)
    return data_request


@transaction.atomic
def append_message(
    *,
    request: DataRequest,
    subject: str,
    text: str,
    details: dict[str, Any] | None = None,
) -> DataRequestEvent:
    """A reply from the requester, added to their request's history."""
    event = _event(request, Event.MESSAGE_IN, subject=subject, text=text, data=details)
    audit.record("datarequests.message_received", target=request)
    return event
