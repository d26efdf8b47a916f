"""Background work of the privacy core, enqueued by ``manage.py scheduler``."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from petite.core import schedule

from . import retention


@schedule.every(timedelta(days=1))
@task
def purge_expired() -> dict[str, int]:
    """Apply every declared retention period (R1.2); returns the counts per model."""
    return retention.purge_expired()
