"""Background work of the help desk: its e-mails, sent after the transaction commits."""

from __future__ import annotations

from django.tasks import task

from . import notifications
from .models import HelpMessage, HelpRequest


@task()
def acknowledge(request_id: int) -> None:
    request = HelpRequest.objects.filter(pk=request_id).first()
    if request is not None:
        notifications.send_acknowledgement(request)


@task()
def send_answer(message_id: int) -> None:
    message = HelpMessage.objects.select_related("request").filter(pk=message_id).first()
    if message is not None:
        notifications.send_answer(message)
