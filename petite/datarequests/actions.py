"""Every write of the data-request desk (U2, U3, U4, U6).

Requests arrive here from e-mail (the inbound webhook and the mail-server
command), from a member's account and from staff, and land in one queue. Staff
then act through the functions below, each one transaction with an audit record
and an event in the request's history; e-mails go out once the transaction has
committed.

Identity comes first (GDPR Art. 12(6)): nothing that discloses, changes or
erases a member's data runs until the request says how the requester was shown
to be that member.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from petite.accounts.models import Member
from petite.core import audit

from . import classify, deadlines, identity, mail, rectification, tasks
from .models import DataRequest, DataRequestEvent

logger = logging.getLogger(__name__)

Status = DataRequest.Status
Event = DataRequestEvent.Kind

# How identity was established, stored in English and shown translated.
IDENTITY_BY_LINK = gettext_noop("confirmed by a link sent to the account's verified address")
IDENTITY_BY_SESSION = gettext_noop("signed-in session, recent authentication")

# Crockford's base32 alphabet: no I, L, O or U to misread when a reference is
# typed from a letter or read over the phone.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PATTERN = r"DR-\d{4}-[0-9A-HJKMNP-TV-Z]{6}"
SUBJECT_MAX_LENGTH = 300
TEXT_MAX_LENGTH = 100_000


class DataRequestError(Exception):
    """An action staff (or a requester) asked for that cannot be done; the message says why."""

    def __init__(self, message: Any) -> None:
        self.message = message
        super().__init__(str(message))


class IdentityNotEstablished(DataRequestError):
    pass


class RequestClosed(DataRequestError):
    pass


class NoMemberLinked(DataRequestError):
    pass


class ExtensionRefused(DataRequestError):
    pass


class RectificationRefused(DataRequestError):
    pass


class LinkRefused(DataRequestError):
    pass


def new_reference(received_at: datetime) -> str:
    """A reference such as DR-2026-7K3M9Q: random, so that it says nothing about
    how many requests we receive and cannot be guessed to reach someone else's."""
    year = deadlines.local_date(received_at).year
    for _attempt in range(10):
        code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        reference = f"DR-{year}-{code}"
        if not DataRequest.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("Could not draw a free data-request reference.")  # 32**6 codes a year


def _event(
    data_request: DataRequest,
    kind: str,
    *,
    actor: Member | None = None,
    subject: str = "",
    text: str = "",
    data: dict[str, Any] | None = None,
    sealed: str = "",
    notify: bool = False,
) -> DataRequestEvent:
    """Add a step to the history; with ``notify``, e-mail the requester after commit.

    The e-mail task reads the event when it runs. ``notify`` is kept in the
    event's data, which erasure blanks: an e-mail queued just before the
    requester was erased is then not sent to the anonymised address.
    """
    details = dict(data or {})
    if notify:
        details["notify"] = True
    event = DataRequestEvent.objects.create(
        request=data_request,
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        status=data_request.status,
        subject=subject[:SUBJECT_MAX_LENGTH],
        text=text[:TEXT_MAX_LENGTH],
        data=details,
        sealed=sealed,
    )
    if notify:
        event_id = event.pk
        transaction.on_commit(lambda: tasks.send_event_email.enqueue(event_id))
    return event


def _locked(data_request: DataRequest) -> DataRequest:
    """The request, re-read and locked: two staff pressing a button at once act once."""
    return DataRequest.objects.select_for_update().get(pk=data_request.pk)


def _require_open(data_request: DataRequest) -> None:
    if data_request.is_closed:
        raise RequestClosed(
            _("Request %(reference)s is closed: nothing more can be done on it.")
            % {"reference": data_request.reference}
        )


def _require_identity(data_request: DataRequest) -> Member:
    """The member the request is about, once identity is established; else refuse."""
    _require_open(data_request)
    if not data_request.identity_established:
        raise IdentityNotEstablished(
            _(
                "The requester's identity is not established yet: record how it was "
                "established (or wait for the confirmation link) before acting on the request."
            )
        )
    if data_request.member is None:
        raise NoMemberLinked(
            _(
                "This request is linked to no member: there is no account whose data "
                "could be exported, corrected or erased."
            )
        )
    return data_request.member


def verified_account(email: str) -> Member | None:
    """The member for whom ``email`` is a verified address, if any."""
    address = (
        EmailAddress.objects.filter(email__iexact=email.strip(), verified=True)
        .select_related("user")
        .first()
    )
    user = address.user if address is not None else None
    return user if isinstance(user, Member) else None


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
        account = verified_account(requester_email)
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
        raise DataRequestError(_("Say how the requester's identity was established."))
    if len(method) > 300:
        raise DataRequestError(
            _("Describe how identity was established in 300 characters at most.")
        )
    if data_request.identity_established:
        raise DataRequestError(_("The requester's identity is already established."))
    _establish(data_request, method=method, member=member or data_request.member, actor=actor)
    return data_request


@transaction.atomic
def send_identity_link(*, request: DataRequest, actor: Member) -> DataRequestEvent:
    """Send a new confirmation link (the first one expired or went astray)."""
    data_request = _locked(request)
    _require_open(data_request)
    if data_request.identity_established:
        raise DataRequestError(_("The requester's identity is already established."))
    account = verified_account(data_request.requester_email)
    if account is None:
        raise DataRequestError(
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


@transaction.atomic
def change_kind(*, request: DataRequest, kind: str, actor: Member) -> DataRequest:
    """Staff correct the type the desk guessed."""
    data_request = _locked(request)
    if kind not in DataRequest.Kind.values:
        raise DataRequestError(_("Unknown request type."))
    before = data_request.kind
    if before == kind:
        return data_request
    data_request.kind = kind
    data_request.save(update_fields=["kind"])
    _event(data_request, Event.KIND, actor=actor, data={"before": before, "after": kind})
    audit.record(
        "datarequests.kind_changed", actor=actor, target=data_request, before=before, after=kind
    )
    return data_request


@transaction.atomic
def send_message(
    *, request: DataRequest, subject: str, text: str, actor: Member
) -> DataRequestEvent:
    """A message from staff to the requester (allowed before identity is established:
    it is how staff ask for what they need to establish it)."""
    data_request = _locked(request)
    if not subject.strip() or not text.strip():
        raise DataRequestError(_("A message needs a subject and a text."))
    event = _event(
        data_request,
        Event.MESSAGE_OUT,
        actor=actor,
        subject=subject.strip(),
        text=text.strip(),
        notify=True,
    )
    audit.record("datarequests.message_sent", actor=actor, target=data_request, event=event.pk)
    return event


@transaction.atomic
def extend_deadline(*, request: DataRequest, reason: str, actor: Member) -> DataRequest:
    """Extend the deadline by two further months (Art. 12(3)), once, with a reason
    that is e-mailed to the requester. The law asks that the requester be told
    within the first month, so an overdue request can no longer be extended."""
    data_request = _locked(request)
    _require_open(data_request)
    reason = reason.strip()
    if not reason:
        raise ExtensionRefused(_("Give the reason for the extension: the requester receives it."))
    if data_request.extended:
        raise ExtensionRefused(_("The deadline of this request was already extended once."))
    if data_request.due_at < timezone.now():
        raise ExtensionRefused(
            _(
                "The deadline has passed: an extension must be announced within the first "
                "month. Answer the request as soon as possible."
            )
        )
    before = data_request.due_at
    data_request.due_at = deadlines.extended_due_date(before)
    data_request.extended = True
    data_request.extension_reason = reason
    data_request.save(update_fields=["due_at", "extended", "extension_reason"])
    _event(
        data_request,
        Event.EXTENDED,
        actor=actor,
        text=reason,
        data={"before": before.isoformat(), "after": data_request.due_at.isoformat()},
        notify=True,
    )
    audit.record("datarequests.deadline_extended", actor=actor, target=data_request)
    return data_request


@transaction.atomic
def rectify(*, request: DataRequest, field_key: str, value: str, actor: Member) -> DataRequestEvent:
    """Correct one declared field of the member's data, keeping before and after
    in the request's history (encrypted when the field is encrypted at rest)."""
    data_request = _locked(request)
    member = _require_identity(data_request)
    target = rectification.get(field_key)
    if target is None:
        raise RectificationRefused(_("This field cannot be corrected from a request."))
    instance = target.instance_for(member)
    if instance is None:
        raise RectificationRefused(
            _("The member has no %(model)s to correct.")
            % {"model": target.model._meta.verbose_name}
        )
    field = target.field
    try:
        cleaned = field.clean(value.strip(), instance)
    except ValidationError as error:
        raise RectificationRefused("; ".join(error.messages)) from None
    before = getattr(instance, field.attname)
    if cleaned == before:
        raise RectificationRefused(_("The new value is the same as the current one."))
    setattr(instance, field.attname, cleaned)
    instance.save()
    values = {"before": before, "after": cleaned}
    data: dict[str, Any] = {"field": target.key, "label": str(target.label)}
    if target.encrypted:
        sealed = json.dumps(values)
        data["encrypted"] = True
    else:
        sealed = ""
        data.update(values)
    event = _event(data_request, Event.RECTIFIED, actor=actor, data=data, sealed=sealed)
    audit.record("datarequests.rectified", actor=actor, target=data_request, field=target.key)
    return event


@transaction.atomic
def export_data(*, request: DataRequest, actor: Member) -> DataRequestEvent:
    """Start the same export a member starts from "Your data"; the member downloads
    it from their account (the download is for them alone), so the e-mail tells
    them to sign in."""
    from petite.rights.actions import ExportTooSoon, start_export

    data_request = _locked(request)
    member = _require_identity(data_request)
    try:
        export = start_export(member=member, requested_by_staff=actor)
    except ExportTooSoon as error:  # staff exports are not limited; kept for safety
        raise DataRequestError(str(error)) from None
    event = _event(
        data_request, Event.EXPORTED, actor=actor, data={"export": str(export.pk)}, notify=True
    )
    audit.record("datarequests.exported", actor=actor, target=data_request, export=str(export.pk))
    return event


def _send_after_commit(message: EmailMessage, reference: str) -> None:
    """Send an e-mail built before the requester's address was erased.

    A failure is logged, not raised: the erasure it reports has committed.
    """

    def send() -> None:
        try:
            message.send()
        except Exception:
            logger.exception("Could not send the closing e-mail of data request %s", reference)

    transaction.on_commit(send)


def _prepare_erasure(
    data_request: DataRequest, *, template: str, subject: Any, context: dict[str, Any]
) -> tuple[DataRequest, Member, EmailMessage]:
    """Check the request may be acted on and write the closing e-mail now: after the
    erasure, the requester's address is gone."""
    with transaction.atomic():
        data_request = _locked(data_request)
        member = _require_identity(data_request)
        closing = mail.to_requester(
            data_request, template=template, subject=subject, context=context, automatic=False
        )
    return data_request, member, closing


def _close_after_erasure(
    data_request: DataRequest,
    *,
    closing: EmailMessage,
    event_kind: str,
    audit_action: str,
    data: dict[str, Any],
    actor: Member,
) -> DataRequest:
    with transaction.atomic():
        # Erasure has rewritten this row (anonymised address, no member): re-read
        # it and change only the status, or saving would undo the erasure.
        data_request = _locked(data_request)
        data_request.status = Status.DONE
        data_request.closed_at = timezone.now()
        data_request.save(update_fields=["status", "closed_at"])
        _event(data_request, event_kind, actor=actor, data=data)
        audit.record(audit_action, actor=actor, target=data_request, **data)
        _send_after_commit(closing, data_request.reference)
    return data_request


def erase_data(*, request: DataRequest, actor: Member) -> DataRequest:
    """Erase everything held about the member with the erasure engine, then close the
    request, which stays as proof with the requester's address anonymised.

    Three steps rather than one transaction: the erasure engine commits on its own
    (its commit is what its receipt proves). If it fails, it has erased nothing
    and the request is unchanged.
    """
    from petite.privacy.erasure import erase_member

    data_request, member, closing = _prepare_erasure(
        request,
        template="datarequests/email/erased.txt",
        subject=_("your data has been erased"),
        context={},
    )
    receipt = erase_member(
        member=member, reason=f"Data request {data_request.reference}", requested_by_staff=actor
    )
    return _close_after_erasure(
        data_request,
        closing=closing,
        event_kind=Event.ERASED,
        audit_action="datarequests.erased",
        data={"receipt": str(receipt.pk)},
        actor=actor,
    )


def delete_account(*, request: DataRequest, immediate: bool, actor: Member) -> DataRequest:
    """Delete the member's account as they asked (U2): at once, or after the grace
    period during which they can still sign in and cancel. Like erase_data, in
    steps: an immediate deletion erases through the engine, which commits on its own."""
    from petite.accounts.actions import request_account_deletion

    data_request, member, closing = _prepare_erasure(
        request,
        template="datarequests/email/account_deletion.txt",
        subject=_("your account is being deleted"),
        context={
            "immediate": immediate,
            "grace_days": settings.PETITE_ACCOUNT_DELETION_GRACE_DAYS,
        },
    )
    request_account_deletion(member=member, immediate=immediate, actor=actor)
    return _close_after_erasure(
        data_request,
        closing=closing,
        event_kind=Event.ACCOUNT_DELETION,
        audit_action="datarequests.account_deletion",
        data={"immediate": immediate},
        actor=actor,
    )


@transaction.atomic
def close(*, request: DataRequest, outcome: str, message: str, actor: Member) -> DataRequest:
    """Close the request as done or refused, with a message to the requester. A
    refusal gives its reasons and the right to complain (Art. 12(4)); a request
    whose requester was never identified can only be refused."""
    data_request = _locked(request)
    _require_open(data_request)
    if outcome not in (Status.DONE, Status.REFUSED):
        raise DataRequestError(_("A request is closed as done or as refused."))
    message = message.strip()
    if not message:
        raise DataRequestError(_("Write the message the requester receives."))
    if outcome == Status.DONE and not data_request.identity_established:
        raise IdentityNotEstablished(
            _(
                "The requester's identity is not established yet: the request can only be "
                "refused, or identity established first."
            )
        )
    data_request.status = outcome
    data_request.closed_at = timezone.now()
    data_request.save(update_fields=["status", "closed_at"])
    _event(data_request, Event.STATUS, actor=actor, text=message, notify=True)
    audit.record("datarequests.closed", actor=actor, target=data_request, outcome=outcome)
    return data_request
