"""Fulfilment: staff answer, extend, rectify, export, erase, delete the account, close."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core import audit
from petite.core.errors import ActionRefused
from petite.privacy import fulfilment
from petite.privacy.erasure import erase_member

from .. import deadlines, mail, rectification
from ..models import DataRequest, DataRequestEvent
from .common import (
    Event,
    ExtensionRefused,
    IdentityNotEstablished,
    RectificationRefused,
    Status,
    _event,
    _locked,
    _require_identity,
    _require_open,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def change_kind(*, request: DataRequest, kind: str, actor: Member) -> DataRequest:
    """Staff correct the type the desk guessed."""
    data_request = _locked(request)
    if kind not in DataRequest.Kind.values:
        raise ActionRefused(_("Unknown request type."))
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
        raise ActionRefused(_("A message needs a subject and a text."))
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
    data_request = _locked(request)
    member = _require_identity(data_request)
    # Staff exports are not limited; a refusal (ActionRefused) goes to the caller as is.
    export = fulfilment.start_export(member=member, requested_by_staff=actor)
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
    data_request, member, closing = _prepare_erasure(
        request,
        template="datarequests/email/account_deletion.txt",
        subject=_("your account is being deleted"),
        context={
            "immediate": immediate,
            "grace_days": settings.PETITE_ACCOUNT_DELETION_GRACE_DAYS,
        },
    )
    fulfilment.delete_account(member=member, immediate=immediate, actor=actor)
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
        raise ActionRefused(_("A request is closed as done or as refused."))
    message = message.strip()
    if not message:
        raise ActionRefused(_("Write the message the requester receives."))
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
