"""The privacy team's daily digest of requests due within 7 days or overdue (U6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from petite.accounts.tests.factories import address
from petite.core import schedule
from petite.datarequests import quarantine, tasks
from petite.datarequests.models import DataRequest

from .factories import STRANGER, DataRequestFactory


def received_days_ago(days: int, **kwargs) -> DataRequest:
    return DataRequestFactory.create(received_at=timezone.now() - timedelta(days=days), **kwargs)


@pytest.mark.clause("U6")
def test_the_digest_lists_requests_due_within_a_week_and_overdue_ones_only(db):
    overdue = received_days_ago(40)
    due_soon = received_days_ago(26, status=DataRequest.Status.OPEN)
    not_yet = received_days_ago(3)
    answered = received_days_ago(40, status=DataRequest.Status.DONE)

    listed = tasks.send_digest.call()

    assert listed == 2
    [digest] = mail.outbox
    assert digest.to == [address("privacy", "petite.example")]
    assert overdue.reference in digest.body
    assert due_soon.reference in digest.body
    assert not_yet.reference not in digest.body
    assert answered.reference not in digest.body
    assert "overdue by" in digest.body
    assert "1 overdue" in digest.subject


@pytest.mark.clause("U6")
def test_the_digest_names_no_requester(db):
    received_days_ago(40, requester_name="Claire Dupont")

    tasks.send_digest.call()

    [digest] = mail.outbox
    assert STRANGER not in digest.body
    assert "Claire" not in digest.body


@pytest.mark.clause("U6")
def test_no_digest_is_sent_when_nothing_is_due(db):
    received_days_ago(3)

    assert tasks.send_digest.call() == 0
    assert mail.outbox == []


@pytest.mark.clause("U6")
def test_the_digest_counts_mail_waiting_in_quarantine(db, quarantine_dir):

    quarantine.keep(b"garbage", reason="test")

    tasks.send_digest.call()

    [digest] = mail.outbox
    assert "1 inbound e-mail could not be read" in digest.body


@pytest.mark.clause("U6")
def test_the_digest_runs_every_day():
    [periodic] = [p for p in schedule.periodic_tasks() if p.task is tasks.send_digest]

    assert periodic.every == timedelta(days=1)
