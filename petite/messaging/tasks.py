"""Background work of messaging."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from petite.core import schedule

from . import actions


@schedule.every(timedelta(days=1))
@task
def remove_abandoned_conversations() -> int:
    """Remove the conversations both of whose members have been erased."""
    return actions.remove_abandoned_conversations()
