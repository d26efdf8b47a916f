"""Identity (GDPR Art. 12(6)): how the requester was shown to be the member."""

from __future__ import annotations

import logging

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core import audit
from petite.core.errors import ActionRefused

from .. import identity, selectors
from ..models import DataRequest, DataRequestEvent
from .common import (
    IDENTITY_BY_LINK,
    Event,
    LinkRefused,
    Status,
    _event,
    _locked,
    _require_open,
)

logger = logging.getLogger(__name__)


def _establish(
    data_request: DataRequest, *, method: str, member: Member | None, actor: Member | None
) -> None:
    now = timezone.now()
    data_request.identity_method = method
    data_request.identity_confirmed_at = now
    data_request.status = Status.OPEN
    if member is not None:
        data_request.member = member
        if not data_request.language and member.language:
            data_request.language = member.language
    data_request.save(
        update_fields=["identity_method", "identity_confirmed_at", "status", "member", "language"]
    )
    _event(
        data_request,
        Event.IDENTITY,
        actor=actor,
        text=method,
        data={"member": member.pk if member is not None else None},
    )
    audit.record(
        "datarequests.identity_established",
        actor=actor,
        target=data_request,
        member=member.pk if member is not None else None,
    )


@transaction.atomic
def confirm_identity_by_link(*, token: str) -> DataRequest:
    """The requester opened the link sent to the member's verified address and confirmed."""
    try:
        claim = identity.read_token(token)
    except identity.ExpiredLink:
        raise LinkRefused(
            _(
                "This confirmation link has expired. Reply to our e-mail or write to us "
                "again, and we will send a new one."
            )
        ) from None
    except identity.InvalidLink:
        raise LinkRefused(_("This confirmation link is not valid.")) from None
    data_request = DataRequest.objects.select_for_update().filter(pk=claim.request_id).first()
    if data_request is None:
        raise LinkRefused(_("This confirmation link is not valid."))
    if data_request.identity_established:
        return data_request  # confirmed already (a second click): nothing to do
    if data_request.is_closed:
        raise LinkRefused(_("This request is closed."))
    link = data_request.events.filter(pk=claim.event_id, kind=Event.IDENTITY_LINK).first()
    member_id = link.data.get("member") if link is not None else None  # blanked by erasure
    member = Member.objects.filter(pk=member_id).first() if member_id else None
    # The address must still be a verified address of that member: a link sent
    # before an address changed hands proves nothing.
    still_theirs = (
        member is not None
        and EmailAddress.objects.filter(
            user=member, email__iexact=data_request.requester_email, verified=True
        ).exists()
    )
    if not still_theirs:
        raise LinkRefused(_("This confirmation link is not valid."))
    _establish(data_request, method=IDENTITY_BY_LINK, member=member, actor=member)
    return data_request


@transaction.atomic
def establish_identity(
    *, request: DataRequest, method: str, actor: Member, member: Member | None = None
) -> DataRequest:
    """Staff record how they established who the requester is (and which member, if any)."""
    data_request = _locked(request)
    _require_open(data_request)
    method = " ".join(method.split())
    if not method:
        raise ActionRefused(_("Say how the requester's identity was established."))
    if len(method) > 300:
        raise ActionRefused(_("Describe how identity was established in 300 characters at most."))
    if data_request.identity_established:
        raise ActionRefused(_("The requester's identity is already established."))
    _establish(data_request, method=method, member=member or data_request.member, actor=actor)
    return data_request


@transaction.atomic
def send_identity_link(*, request: DataRequest, actor: Member) -> DataRequestEvent:
    """Send a new confirmation link (the first one expired or went astray)."""
    data_request = _locked(request)
    _require_open(data_request)
    if data_request.identity_established:
        raise ActionRefused(_("The requester's identity is already established."))
    account = selectors.verified_account(data_request.requester_email)
    if account is None:
        raise ActionRefused(
            _(
                "The requester's address is no member's verified address: no link can prove "
                "who they are. Establish identity another way."
            )
        )
    event = _event(
        data_request, Event.IDENTITY_LINK, actor=actor, data={"member": account.pk}, notify=True
    )
    audit.record("datarequests.identity_link_sent", actor=actor, target=data_request)
    return event
