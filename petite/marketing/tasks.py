"""Sending campaigns in the background, batch after batch, resumed after a restart."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from petite.core import bulkmail, schedule

from . import emails
from .models import Campaign


@task
def send_campaign(campaign_id: int) -> None:
    """Send one batch of the campaign's due messages, then enqueue the next batch.

    When nothing is due but some messages wait for a retry, the periodic
    :func:`resume_campaigns` picks the campaign up again later.
    """
    from . import actions  # actions enqueue this task

    campaign = (
        Campaign.objects.select_related("topic")
        .filter(pk=campaign_id, status=Campaign.Status.SENDING)
        .first()
    )
    if campaign is None:
        return
    progress = bulkmail.send_due(campaign.deliveries.all(), build=emails.builder(campaign))
    if progress.due:
        send_campaign.enqueue(campaign_id)
    elif progress.done:
        actions.finish_sending(campaign=campaign)


@schedule.every(timedelta(minutes=5))
@task
def resume_campaigns() -> None:
    """Campaigns a killed worker left half sent, or whose retries are due, continue;
    those with nothing left to try are marked sent."""
    from . import actions

    for campaign in Campaign.objects.filter(status=Campaign.Status.SENDING):
        progress = bulkmail.progress(campaign.deliveries.all())
        if progress.due:
            send_campaign.enqueue(campaign.pk)
        elif progress.done:
            actions.finish_sending(campaign=campaign)
