"""The retention engine deletes what outlived its declared period, and only that (R1.2).

It is exercised on real declared models: the sign-in lockout counters (axes), the
admin's history, the audit trail (12 months, P8) and the daily usage counts
(13 months, a DateField).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.management import call_command

from petite.accounts.models import Member, UsageCount
from petite.core.models import AuditEvent
from petite.privacy import retention

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
DOMAIN = "example.org"


@pytest.fixture(autouse=True)
def _periods(settings: Any) -> None:
    settings.PETITE_CONNECTION_RETENTION_DAYS = 365
    settings.PETITE_USAGE_RETENTION_DAYS = 396


def attempt_at(moment: datetime, *, name: str = f"visitor@{DOMAIN}") -> AccessAttempt:
    with time_machine.travel(moment, tick=False):
        return AccessAttempt.objects.create(
            username=name,
            ip_address="90.0.0.1",
            user_agent="Firefox",
            http_accept="*/*",
            path_info="/accounts/login/",
            get_data="",
            post_data="",
            failures_since_start=3,
        )


def purge(**kwargs: Any) -> dict[str, int]:
    with time_machine.travel(NOW, tick=False):
        return retention.purge_expired(**kwargs)


@pytest.mark.clause("R1.2")
@pytest.mark.django_db
def test_lockout_counters_older_than_12_months_are_deleted_and_younger_ones_kept() -> None:
    old = attempt_at(NOW - timedelta(days=366), name=f"old@{DOMAIN}")
    young = attempt_at(NOW - timedelta(days=364), name=f"young@{DOMAIN}")

    counts = purge()

    assert not AccessAttempt.objects.filter(pk=old.pk).exists()
    assert AccessAttempt.objects.filter(pk=young.pk).exists()
    assert counts["axes.AccessAttempt"] == 1


@pytest.mark.clause("R1.2")
@pytest.mark.django_db
def test_the_period_is_read_from_the_settings(settings: Any) -> None:
    settings.PETITE_CONNECTION_RETENTION_DAYS = 30
    attempt = attempt_at(NOW - timedelta(days=31))

    purge()

    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()


@pytest.mark.clause("R1.2")
@pytest.mark.django_db
def test_daily_usage_counts_older_than_13_months_are_deleted(alice: Member) -> None:
    today = date(2026, 6, 15)
    for age in (397, 396, 395):
        UsageCount.objects.create(member=alice, day=today - timedelta(days=age), area="home")

    counts = purge()

    kept = sorted((today - row.day).days for row in UsageCount.objects.filter(member=alice))
    assert kept == [395, 396]  # a day goes once the whole day is older than the period
    assert counts["accounts.UsageCount"] == 1


@pytest.mark.django_db
def test_the_admin_history_and_audit_trail_keep_12_months(staff: Member) -> None:
    def history_at(moment: datetime) -> LogEntry:
        return LogEntry.objects.create(
            user=staff, action_time=moment, object_repr="x", action_flag=ADDITION
        )

    def audit_at(moment: datetime) -> AuditEvent:
        with time_machine.travel(moment, tick=False):
            return AuditEvent.objects.create(actor=staff, action="test.something")

    history_at(NOW - timedelta(days=400))
    young_history = history_at(NOW)
    old_audit, young_audit = audit_at(NOW - timedelta(days=400)), audit_at(NOW)

    purge()

    assert list(LogEntry.objects.all()) == [young_history]
    assert not AuditEvent.objects.filter(pk=old_audit.pk).exists()
    assert AuditEvent.objects.filter(pk=young_audit.pk).exists()


@pytest.mark.clause("R1.2")
@pytest.mark.django_db
def test_rows_go_in_batches_until_none_is_left() -> None:
    for n in range(5):
        attempt_at(NOW - timedelta(days=500), name=f"visitor{n}@{DOMAIN}")

    counts = purge(batch_size=2)

    assert counts["axes.AccessAttempt"] == 5
    assert not AccessAttempt.objects.exists()


@pytest.mark.clause("R1.2", "SEC1")
@pytest.mark.django_db
def test_a_crash_keeps_the_batches_already_deleted_and_the_next_run_finishes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(4):
        attempt_at(NOW - timedelta(days=500), name=f"visitor{n}@{DOMAIN}")
    real_delete = retention._delete_batch
    calls: list[int] = []

    def crash_on_second_batch(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker died")
        return real_delete(*args)

    monkeypatch.setattr(retention, "_delete_batch", crash_on_second_batch)
    with pytest.raises(RuntimeError):
        purge(batch_size=2)
    assert AccessAttempt.objects.count() == 2  # the first batch stayed deleted

    monkeypatch.setattr(retention, "_delete_batch", real_delete)
    purge(batch_size=2)
    assert not AccessAttempt.objects.exists()


@pytest.mark.clause("R1.2")
@pytest.mark.django_db
def test_the_purge_is_audited_with_counts_only() -> None:
    attempt_at(NOW - timedelta(days=366), name=f"mallory@{DOMAIN}")

    counts = purge()

    event = AuditEvent.objects.get(action=retention.AUDIT_ACTION)
    assert event.data == {"counts": counts}
    assert "mallory" not in json.dumps(event.data)


@pytest.mark.django_db
def test_every_model_with_a_fixed_period_is_checked_even_when_nothing_expires() -> None:
    counts = purge()

    assert counts["axes.AccessAttempt"] == 0
    assert counts["accounts.UsageCount"] == 0
    assert "accounts.Member" not in counts  # kept as long as the account


@pytest.mark.clause("R1.2")
@pytest.mark.django_db
def test_the_command_dry_run_prints_counts_and_deletes_nothing() -> None:
    attempt = attempt_at(NOW - timedelta(days=366))
    out = StringIO()

    with time_machine.travel(NOW, tick=False):
        call_command("purge_expired", "--dry-run", stdout=out)

    assert "axes.AccessAttempt: would delete 1" in out.getvalue()
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert not AuditEvent.objects.filter(action=retention.AUDIT_ACTION).exists()


@pytest.mark.django_db
def test_the_command_deletes_and_prints_counts() -> None:
    attempt_at(NOW - timedelta(days=366))
    out = StringIO()

    with time_machine.travel(NOW, tick=False):
        call_command("purge_expired", stdout=out)

    assert "axes.AccessAttempt: deleted 1" in out.getvalue()
    assert not AccessAttempt.objects.exists()
