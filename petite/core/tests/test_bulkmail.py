"""The bulk-mail engine: one message per member and sending, whatever happens (E3, P10).

The deliveries here belong to a model defined at run time, with its table
created around each test, the way an app's notice or campaign model would be.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, models
from django.utils import timezone

from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory
from petite.core import bulkmail
from petite.core.models import Delivery
from petite.privacy import categories
from petite.privacy.declarations import Erasure, Personal

pytestmark = pytest.mark.clause("E3")

Status = Delivery.Status


@pytest.fixture
def deliveries(transactional_db: None) -> Iterator[Any]:
    class RuntimeDelivery(Delivery):
        sending = models.PositiveIntegerField()

        class Meta:
            app_label = "core"
            constraints = [
                models.UniqueConstraint(fields=["sending", "member"], name="runtime_once")
            ]

        class Privacy:
            subject = "member"
            fields = {"member": Personal(categories.POLICY_NOTICES, ["P1"], Erasure.DELETE)}
            technical = [
                "id",
                "sending",
                "status",
                "attempts",
                "next_attempt_at",
                "claimed_at",
                "error",
                "created_at",
                "sent_at",
            ]

    try:
        with connection.schema_editor() as editor:
            editor.create_model(RuntimeDelivery)
        yield RuntimeDelivery
        with connection.schema_editor() as editor:
            editor.delete_model(RuntimeDelivery)
    finally:
        del apps.all_models["core"]["runtimedelivery"]
        apps.clear_cache()


@pytest.fixture
def members(transactional_db: None) -> list[Member]:
    return MemberFactory.create_batch(7)


def build(delivery: Delivery) -> EmailMessage:
    return EmailMessage("Notice", "Our policy changes.", to=[delivery.member.email])


def send_all(deliveries: Any, *, batch_size: int = 3) -> bulkmail.Progress:
    """What a sending app's task does: batches until nothing is due."""
    while True:
        progress = bulkmail.send_due(deliveries.objects.all(), build=build, batch_size=batch_size)
        if not progress.due:
            return progress


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


class FailingBackend(EmailBackend):
    """Accepts messages until ``fail_after`` have gone, then raises ``error`` once per call."""

    fail_after = 0
    error: BaseException = smtplib.SMTPServerDisconnected()
    failures = 0
    max_failures = 1

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        cls = type(self)
        if len(mail.outbox) >= cls.fail_after and cls.failures < cls.max_failures:
            cls.failures += 1
            raise cls.error
        return super().send_messages(messages)


@pytest.fixture
def failing_backend(settings: Any) -> type[FailingBackend]:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}
    FailingBackend.failures = 0
    return FailingBackend


def test_plan_makes_one_delivery_per_member_and_planning_again_adds_only_new_members(
    deliveries: Any, members: list[Member]
) -> None:
    queryset = deliveries.objects.filter(sending=1)

    assert bulkmail.plan(queryset, members=Member.objects.all(), batch_size=2, sending=1) == 7
    late: Any = MemberFactory()
    assert bulkmail.plan(queryset, members=Member.objects.all(), sending=1) == 1

    assert sorted(queryset.values_list("member_id", flat=True)) == sorted(
        [m.pk for m in members] + [late.pk]
    )
    assert set(queryset.values_list("status", flat=True)) == {Status.PENDING}


def test_a_sending_reaches_every_member_once_in_batches_with_a_stable_message_id(
    deliveries: Any, members: list[Member]
) -> None:
    bulkmail.plan(deliveries.objects.all(), members=Member.objects.all(), sending=1)

    first = bulkmail.send_due(deliveries.objects.all(), build=build, batch_size=3)
    assert (first.sent, first.waiting, first.done) == (3, 4, False)
    final = send_all(deliveries)

    assert (final.total, final.sent, final.done, final.percent) == (7, 7, True, 100)
    assert recipients() == sorted(m.email for m in members)
    delivery = deliveries.objects.get(member=members[0])
    assert delivery.sent_at is not None
    sent = next(m for m in mail.outbox if m.to == [members[0].email])
    assert (
        sent.extra_headers["Message-ID"] == f"<core.runtimedelivery.{delivery.pk}@petite.example>"
    )


def test_a_message_the_app_declines_to_build_is_skipped_not_sent(
    deliveries: Any, members: list[Member]
) -> None:
    bulkmail.plan(deliveries.objects.all(), members=Member.objects.all(), sending=1)
    withdrawn = members[2]

    progress = bulkmail.send_due(
        deliveries.objects.all(),
        build=lambda d: None if d.member_id == withdrawn.pk else build(d),
        batch_size=50,
    )

    assert (progress.sent, progress.skipped, progress.done) == (6, 1, True)
    assert withdrawn.email not in recipients()
    assert deliveries.objects.get(member=withdrawn).status == Status.SKIPPED


def test_a_temporary_failure_is_retried_after_a_back_off_and_reaches_the_member(
    deliveries: Any, members: list[Member], failing_backend: type[FailingBackend]
) -> None:
    failing_backend.fail_after = 2
    failing_backend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    bulkmail.plan(deliveries.objects.all(), members=Member.objects.all(), sending=1)

    progress = bulkmail.send_due(deliveries.objects.all(), build=build, batch_size=50)

    assert (progress.sent, progress.waiting, progress.due) == (6, 1, 0)
    failed = deliveries.objects.get(status=Status.PENDING)
    assert failed.attempts == 1
    assert failed.error == "SMTPServerDisconnected"
    assert failed.next_attempt_at is not None
    with time_machine.travel(failed.next_attempt_at + timedelta(seconds=1)):
        progress = send_all(deliveries)
    assert (progress.sent, progress.done) == (7, True)
    assert recipients() == sorted(m.email for m in members)


def test_a_permanent_refusal_is_not_retried_and_says_why_without_the_address(
    deliveries: Any, members: list[Member], failing_backend: type[FailingBackend]
) -> None:
    failing_backend.fail_after = 0
    failing_backend.error = smtplib.SMTPRecipientsRefused(
        {members[0].email: (550, b"5.1.1 " + members[0].email.encode() + b" unknown")}
    )
    bulkmail.plan(
        deliveries.objects.filter(member=members[0]),
        members=Member.objects.filter(pk=members[0].pk),
        sending=1,
    )

    progress = bulkmail.send_due(deliveries.objects.all(), build=build)

    assert (progress.failed, progress.done) == (1, True)
    failed = deliveries.objects.get()
    assert failed.status == Status.FAILED
    assert members[0].email not in failed.error


def test_a_sending_killed_mid_batch_resumes_with_exactly_one_message_per_member(
    deliveries: Any, members: list[Member], failing_backend: type[FailingBackend]
) -> None:
    # The worker dies (not an error it could record) after 2 messages of a batch of 5.
    failing_backend.fail_after = 2
    failing_backend.error = SystemExit(1)
    bulkmail.plan(deliveries.objects.all(), members=Member.objects.all(), sending=1)

    with pytest.raises(SystemExit):
        bulkmail.send_due(deliveries.objects.all(), build=build, batch_size=5)

    assert len(mail.outbox) == 2
    stranded = deliveries.objects.filter(status=Status.SENDING)
    assert stranded.count() == 3
    # A restarted worker leaves another worker's fresh claim alone...
    progress = send_all(deliveries)
    assert (progress.sent, progress.waiting) == (4, 3)
    # ...and takes it back once the lease has expired.
    with time_machine.travel(timezone.now() + bulkmail.lease() + timedelta(seconds=1)):
        progress = send_all(deliveries)

    assert (progress.sent, progress.done) == (7, True)
    assert recipients() == sorted(m.email for m in members)
    assert deliveries.objects.filter(status=Status.SENT).count() == 7


@pytest.mark.postgresql  # synchronous_commit is a PostgreSQL setting
def test_a_batch_leaves_the_connection_as_durable_as_it_found_it(
    deliveries: Any, members: list[Member]
) -> None:
    bulkmail.plan(deliveries.objects.all(), members=Member.objects.all(), sending=1)

    send_all(deliveries)

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert len(mail.outbox) == len(members)
