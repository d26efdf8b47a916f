"""Every write to the help desk (P6): keyword-only, one transaction, an audit record,
e-mail deferred until the transaction commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petite.accounts.models import Member
from petite.core import audit
from petite.core.deferred import follow_up
from petite.core.errors import ActionRefused

from .events import Event
from .models import Attachment, Category, HelpMessage, HelpRequest
from .uploads import Checked

acknowledge = follow_up("petite.support.tasks.acknowledge")
send_answer = follow_up("petite.support.tasks.send_answer")

Status = HelpRequest.Status


def _attach(message: HelpMessage, files: Sequence[Checked]) -> None:
    for checked in files:
        attachment = Attachment(
            message=message, name=checked.name, content_type=checked.content_type, size=checked.size
        )
        attachment.file.save(checked.name, checked.file, save=False)
        attachment.save()


@transaction.atomic
def open_request(
    *,
    name: str,
    email: str,
    subject: str,
    body: str,
    channel: str,
    member: Member | None = None,
    category: Category | None = None,
    language: str = "",
    files: Sequence[Checked] = (),
    message_id: str = "",
    received_at: datetime | None = None,
    acknowledged: bool = True,
) -> HelpRequest:
    """A new request with its first message; the requester gets an acknowledgement."""
    if not body.strip():
        raise ActionRefused(_("Please write your message."), code="support.empty")
    request = HelpRequest(
        member=member,
        requester_name=name.strip()[:150],
        requester_email=email.strip(),
        subject=subject.strip()[:200] or _("(no subject)"),
        category=category,
        channel=channel,
        language=language[:10],
        created_at=received_at or timezone.now(),
    )
    request.full_clean()
    request.save()
    message = HelpMessage.objects.create(
        request=request,
        from_requester=True,
        body=body.strip(),
        via=HelpMessage.Via.EMAIL if channel == HelpRequest.Channel.EMAIL else HelpMessage.Via.WEB,
        message_id=message_id[:300],
        created_at=request.created_at,
    )
    _attach(message, files)
    audit.record(Event.REQUEST_OPENED, actor=member, target=request, channel=channel)
    if acknowledged:
        acknowledge.after_commit(request_id=request.pk)
    return request


@transaction.atomic
def reply_as_requester(
    *,
    request: HelpRequest,
    body: str,
    via: str = HelpMessage.Via.WEB,
    files: Sequence[Checked] = (),
    message_id: str = "",
) -> HelpMessage:
    """The requester writes again: a closed request stays closed (they open a new one)."""
    locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == Status.CLOSED:
        raise ActionRefused(
            _("This request is closed. Please open a new one."), code="support.closed", status=409
        )
    if not body.strip():
        raise ActionRefused(_("Please write your message."), code="support.empty")
    message = HelpMessage.objects.create(
        request=locked, from_requester=True, body=body.strip(), via=via, message_id=message_id[:300]
    )
    _attach(message, files)
    if locked.status in (Status.WAITING, Status.SOLVED):
        locked.status = Status.OPEN
        locked.solved_at = None
        locked.save(update_fields=["status", "solved_at"])
    audit.record(Event.REQUESTER_REPLIED, actor=locked.member, target=locked, via=via)
    return message


@transaction.atomic
def answer(
    *,
    request: HelpRequest,
    author: Member,
    body: str,
    internal: bool = False,
    status: str | None = None,
    files: Sequence[Checked] = (),
) -> HelpMessage:
    """A staff answer (e-mailed to the requester) or an internal note (never shown to them)."""
    if not body.strip():
        raise ActionRefused(_("Please write your message."), code="support.empty")
    locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == Status.CLOSED:
        raise ActionRefused(_("This request is closed."), code="support.closed", status=409)
    message = HelpMessage.objects.create(
        request=locked, author=author, from_requester=False, internal=internal, body=body.strip()
    )
    _attach(message, files)
    changed = []
    if not internal:
        if locked.first_response_at is None:
            locked.first_response_at = message.created_at
            changed.append("first_response_at")
        new_status = status or Status.WAITING
    else:
        new_status = status or (Status.OPEN if locked.status == Status.NEW else locked.status)
    if new_status not in Status.values or new_status == Status.NEW:
        raise ActionRefused(_("Unknown status."), code="support.status")
    if new_status != locked.status:
        _apply_status(locked, new_status)
        changed += ["status", "solved_at", "closed_at"]
    if locked.assignee_id is None:
        locked.assignee = author
        changed.append("assignee")
    if changed:
        locked.save(update_fields=sorted(set(changed)))
    audit.record(
        Event.NOTE_ADDED if internal else Event.STAFF_REPLIED,
        actor=author,
        target=locked,
        status=locked.status,
    )
    if not internal:
        send_answer.after_commit(message_id=message.pk)
    return message


def _apply_status(request: HelpRequest, status: str) -> None:
    now = timezone.now()
    request.status = status
    if status == Status.SOLVED:
        request.solved_at = now
    elif status == Status.CLOSED:
        request.closed_at = now
        request.solved_at = request.solved_at or now
    else:
        request.solved_at = None


@transaction.atomic
def set_status(*, request: HelpRequest, actor: Member | None, status: str) -> HelpRequest:
    if status not in Status.values or status == Status.NEW:
        raise ActionRefused(_("Unknown status."), code="support.status")
    locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == Status.CLOSED:
        raise ActionRefused(_("This request is closed."), code="support.closed", status=409)
    before = locked.status
    _apply_status(locked, status)
    locked.save(update_fields=["status", "solved_at", "closed_at"])
    audit.record(Event.STATUS_CHANGED, actor=actor, target=locked, before=before, after=status)
    return locked


@transaction.atomic
def assign(*, request: HelpRequest, actor: Member, assignee: Member | None) -> HelpRequest:
    if assignee is not None and not assignee.is_staff:
        raise ActionRefused(_("Requests are assigned to staff only."), code="support.assignee")
    locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
    locked.assignee = assignee
    if locked.status == Status.NEW:
        locked.status = Status.OPEN
    locked.save(update_fields=["assignee", "status"])
    audit.record(
        Event.ASSIGNED, actor=actor, target=locked, assignee=assignee.pk if assignee else None
    )
    return locked


@transaction.atomic
def rate(*, request: HelpRequest, satisfaction: str, comment: str = "") -> HelpRequest:
    """The requester's opinion, once the request is solved (they may change it)."""
    if satisfaction not in HelpRequest.Satisfaction.values:
        raise ActionRefused(_("Please choose an answer."), code="support.satisfaction")
    locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in (Status.SOLVED, Status.CLOSED):
        raise ActionRefused(
            _("You can give your opinion once the request is solved."),
            code="support.not_solved",
            status=409,
        )
    locked.satisfaction = satisfaction
    locked.satisfaction_comment = comment.strip()[:2000]
    locked.save(update_fields=["satisfaction", "satisfaction_comment"])
    audit.record(Event.RATED, actor=locked.member, target=locked, satisfaction=satisfaction)
    return locked


def from_contact_message(*, actor: Member, contact_message: Any) -> HelpRequest:
    """Staff turn a contact message into a request (duck-typed: the help desk does not
    import the contact app; see apps.py for how the action reaches its back-office)."""
    return open_request(
        name=contact_message.name,
        email=contact_message.email,
        subject=contact_message.subject,
        body=contact_message.message,
        channel=HelpRequest.Channel.CONTACT,
        member=contact_message.member,
        language=contact_message.language,
        received_at=contact_message.created_at,
        acknowledged=False,
    )


def refuse_reply(*, reason: str, number: int | None) -> None:
    """Log a forged or misdirected reply (no address, no content)."""
    audit.record(Event.REPLY_REFUSED, reason=reason, request=number)
