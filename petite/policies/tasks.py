"""Background work of policy versions: the notice campaign in batches, its periodic
resumption after a crash or restart, the hourly draft, the reports to the team.

A campaign is a chain: ``start_notice_campaign`` plans one notice per member, then
``send_policy_notices`` sends a batch and enqueues itself while notices are due.
If a worker dies, the chain breaks; ``resume_policy_notices`` (every 5 minutes)
enqueues it again, and the bulk-mail engine takes back the abandoned claims once
their lease has expired, so nobody is missed and nobody gets two notices.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import task

from petite.core import bulkmail, schedule

from . import actions, mail, selectors
from .models import PolicyVersion


def _announced(version_id: int) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(
        pk=version_id, status=PolicyVersion.Status.PUBLISHED, announced=True
    ).first()


@task
def start_notice_campaign(version_id: int) -> int:
    """Plan the notices of a version just published, then start sending them."""
    version = _announced(version_id)
    if version is None:
        return 0
    planned = actions.plan_notices(version=version)
    send_policy_notices.enqueue(version_id)
    return planned


@task
def send_policy_notices(version_id: int) -> dict[str, int]:
    """Send one batch of a version's notices; enqueue the next batch while any is due."""
    version = _announced(version_id)
    if version is None or version.campaign_finished_at is not None:
        return {}
    progress = bulkmail.send_due(
        selectors.notices(version),
        build=mail.NoticeMail(version).build,
        batch_size=settings.PETITE_POLICY_NOTICE_BATCH_SIZE,
    )
    actions.keep_notice_period(version=version, progress=progress)
    if progress.due:
        send_policy_notices.enqueue(version_id)
    return {"sent": progress.sent, "failed": progress.failed, "waiting": progress.waiting}


@schedule.every(timedelta(minutes=5))
@task
def resume_policy_notices() -> list[int]:
    """Restart campaigns a crash or a restart left behind, retry failures whose
    back-off has passed, and keep every effective date 15 days after the last notice.
    Returns the versions it enqueued a batch for."""
    resumed = []
    for version in selectors.campaign_running():
        if version.campaign_planned_at is None:
            start_notice_campaign.enqueue(version.pk)
            resumed.append(version.pk)
            continue
        actions.keep_notice_period(version=version)
        if selectors.campaign_progress(version).due:
            send_policy_notices.enqueue(version.pk)
            resumed.append(version.pk)
    return resumed


@schedule.every(timedelta(hours=1))
@task
def prepare_policy_draft() -> str:
    """Keep the draft in step with the notice the code generates (E2)."""
    return actions.prepare_draft().outcome


@task
def tell_team(version_id: int, event: str) -> None:
    version = PolicyVersion.objects.filter(pk=version_id).first()
    if version is not None:
        mail.team_message(version, event).send()
