"""Every write to the contact inbox: a message arrives, staff mark messages handled."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from petite.accounts.models import Member
from petite.core import audit

from . import tasks
from .models import ContactMessage


@transaction.atomic
def submit_contact_message(
    *,
    name: str,
    email: str,
    subject: str,
    message: str,
    language: str = "",
    member: Member | None = None,
) -> ContactMessage:
    """Store a message for the team, then (once committed) e-mail the team and the sender."""
    contact_message = ContactMessage(
        member=member,
        name=name,
        email=email,
        subject=subject,
        message=message,
        language=language,
    )
    contact_message.full_clean()
    contact_message.save()
    audit.record("contact.message_received", actor=member, target=contact_message)
    message_id = contact_message.pk
    transaction.on_commit(lambda: tasks.notify_team.enqueue(message_id))
    transaction.on_commit(lambda: tasks.confirm_to_sender.enqueue(message_id))
    return contact_message


@transaction.atomic
def set_handled(*, messages: Iterable[ContactMessage], handled: bool, actor: Member) -> int:
    """Mark messages handled (or back to be handled); returns how many changed."""
    ids = [m.pk for m in messages]
    to_change = (
        ContactMessage.objects.select_for_update().filter(pk__in=ids).exclude(handled=handled)
    )
    changed_ids = list(to_change.values_list("pk", flat=True))
    if not changed_ids:
        return 0
    ContactMessage.objects.filter(pk__in=changed_ids).update(
        handled=handled, handled_at=timezone.now() if handled else None
    )
    audit.record(
        "contact.marked_handled" if handled else "contact.marked_unhandled",
        actor=actor,
        messages=changed_ids,
    )
    return len(changed_ids)
