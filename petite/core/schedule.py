"""Periodic tasks: a small beat that enqueues ``django.tasks`` tasks on a timetable.

django.tasks has no scheduler, so ``manage.py scheduler`` (started by
``make run`` beside the worker) enqueues each registered task when it is due.
The last enqueue time lives in the database, so restarting the scheduler or
running two of them never enqueues a run twice. See docs/adr/0003-scheduler.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .models import ScheduledRun


@dataclass(frozen=True)
class Periodic:
    task: Task
    every: timedelta

    @property
    def name(self) -> str:
        return self.task.module_path


_periodic: dict[str, Periodic] = {}


def every(interval: timedelta) -> Callable[[Task], Task]:
    """Decorator for a task: ``@schedule.every(timedelta(days=1))`` above ``@task``."""

    def register(task: Task) -> Task:
        entry = Periodic(task, interval)
        _periodic[entry.name] = entry
        return task

    return register


def periodic_tasks() -> list[Periodic]:
    autodiscover_modules("tasks")
    return sorted(_periodic.values(), key=lambda p: p.name)


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue every periodic task whose interval has passed; return their names."""
    now = now or timezone.now()
    enqueued = []
    for periodic in periodic_tasks():
        with transaction.atomic():
            run, created = ScheduledRun.objects.select_for_update().get_or_create(
                name=periodic.name, defaults={"last_enqueued_at": now}
            )
            if not created and run.last_enqueued_at + periodic.every > now:
                continue
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(periodic.task.enqueue)
        enqueued.append(periodic.name)
    return enqueued
