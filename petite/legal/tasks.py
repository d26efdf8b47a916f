"""Background work of the legal app: the notices (in batches, resumed after a crash),
non-disclosure orders that lapse at their review date, reminders to the team, and
deleting a package once handed over."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.tasks import task

from petite.core import bulkmail, schedule

from . import actions, notifications, packages, selectors
from .models import AuthorityRequest, Transfer

logger = logging.getLogger(__name__)


@task
def send_authority_notices(request_id: int) -> int:
    """Send one batch of a request's member notices; enqueue the next while any is due."""
    request = AuthorityRequest.objects.filter(pk=request_id).first()
    if request is None or request.gagged:
        return 0
    progress = bulkmail.send_due(selectors.notices(request), build=notifications.authority_notice)
    if progress.due:
        send_authority_notices.enqueue(request_id=request_id)
    return progress.sent


@task
def send_transfer_notices(transfer_id: int) -> int:
    """Send one batch of a transfer's notices; enqueue the next while any is due."""
    transfer = Transfer.objects.filter(pk=transfer_id, status=Transfer.Status.NOTIFYING).first()
    if transfer is None:
        return 0
    progress = bulkmail.send_due(
        selectors.transfer_notices(transfer), build=notifications.transfer_notice
    )
    if progress.due:
        send_transfer_notices.enqueue(transfer_id=transfer_id)
    return progress.sent


@schedule.every(timedelta(minutes=5))
@task
def resume_legal_notices() -> list[str]:
    """Restart notice batches a crash or restart left behind (claims past their lease
    are taken again by the bulk-mail engine: nobody missed, nobody told twice)."""
    resumed = []
    for request in (
        AuthorityRequest.objects.exclude(gag=AuthorityRequest.Gag.ACTIVE)
        .filter(notices__isnull=False)
        .distinct()
    ):
        if bulkmail.progress(selectors.notices(request)).due:
            send_authority_notices.enqueue(request_id=request.pk)
            resumed.append(f"request {request.pk}")
    for transfer in Transfer.objects.filter(status=Transfer.Status.NOTIFYING):
        if bulkmail.progress(selectors.transfer_notices(transfer)).due:
            send_transfer_notices.enqueue(transfer_id=transfer.pk)
            resumed.append(f"transfer {transfer.pk}")
    return resumed


@schedule.every(timedelta(hours=1))
@task
def review_non_disclosure_orders() -> dict[str, int]:
    """Orders past their review date lapse (members are told); the team is reminded
    once before each review date."""
    lapsed = actions.lapse_gags()
    reminded = actions.remind_gag_reviews()
    for request in AuthorityRequest.objects.filter(pk__in=reminded):
        notifications.gag_review_reminder(request).send()
    return {"lapsed": lapsed, "reminded": len(reminded)}


@task
def delete_package(name: str) -> None:
    """A package handed over is not kept: the register says what it held."""
    packages.delete(name)
