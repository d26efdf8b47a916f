"""Background work of the privacy core, enqueued by ``manage.py scheduler``."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from petite.core import disk, schedule

from . import retention


@schedule.every(timedelta(days=1))
@task
def purge_expired() -> dict[str, int]:
    """Apply every declared retention period (R1.2); returns the counts per model."""
    return retention.purge_expired()


@task
def vacuum_erased_tables(tables: list[str]) -> list[str]:
    """PostgreSQL: VACUUM the tables an erasure touched, after its commit (VACUUM
    cannot run in a transaction), so their dead rows stop holding the erased data."""
    return disk.vacuum(tables)
