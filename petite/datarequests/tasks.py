"""Background work of the desk: e-mails to requesters, and the team's daily digest."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from petite.core import schedule

from . import mail, quarantine, selectors
from .models import DataRequestEvent


@task
def send_event_email(event_id: int) -> bool:
    """The e-mail an event announces to the requester; False when there is nothing to send."""
    event = DataRequestEvent.objects.select_related("request").filter(pk=event_id).first()
    # Erasure blanks the event's data, "notify" included: never write to an
    # address that erasure has anonymised in the meantime.
    if event is None or not event.data.get("notify"):
        return False
    message = mail.for_event(event)
    if message is None:
        return False
    message.send()
    return True


@schedule.every(timedelta(days=1))
@task
def send_digest() -> int:
    """E-mail the privacy team the requests due within 7 days or overdue (U6);
    nothing when there are none. Returns how many requests it listed."""
    now = timezone.now()
    due = list(selectors.due_soon(now))
    waiting = quarantine.count()
    if not due and not waiting:
        return 0
    mail.digest(due, quarantined=waiting, now=now).send()
    return len(due)
