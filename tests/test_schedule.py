"""The retention purge runs every day through the scheduler (R1.2)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.tasks import TaskResultStatus

from petite.core import schedule
from petite.core.models import AuditEvent
from petite.privacy import retention, tasks

PURGE = "petite.privacy.tasks.purge_expired"
START = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)

CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def enqueue_due_at(moment: datetime, capture: CaptureCallbacks) -> list[str]:
    # Not executed: other apps' periodic tasks are not this test's business.
    with time_machine.travel(moment, tick=False), capture(execute=False):
        return schedule.enqueue_due()


def test_the_purge_is_a_daily_periodic_task() -> None:
    periodic = {p.name: p for p in schedule.periodic_tasks()}

    assert periodic[PURGE].every == timedelta(days=1)
    assert periodic[PURGE].task is tasks.purge_expired


@pytest.mark.clause("R1.2")
@pytest.mark.django_db
def test_the_scheduler_enqueues_the_purge_once_and_not_again_within_a_day(
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    capture = django_capture_on_commit_callbacks

    assert PURGE in enqueue_due_at(START, capture)
    assert PURGE not in enqueue_due_at(START + timedelta(hours=23, minutes=59), capture)
    assert PURGE in enqueue_due_at(START + timedelta(days=1), capture)


@pytest.mark.django_db
def test_the_enqueued_purge_runs_on_commit(
    django_capture_on_commit_callbacks: CaptureCallbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only the purge is periodic here, so running every callback runs only it.
    only_purge = {PURGE: schedule._periodic[PURGE]}
    monkeypatch.setattr(schedule, "_periodic", only_purge)
    monkeypatch.setattr(schedule, "autodiscover_modules", lambda *names: None)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        schedule.enqueue_due()

    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action=retention.AUDIT_ACTION).count() == 1


@pytest.mark.django_db
def test_the_task_returns_the_counts() -> None:
    result = tasks.purge_expired.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == retention.purge_expired(dry_run=True)
