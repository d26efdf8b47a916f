"""Transfers (S6): every member in scope told once, at least the notice period before;
executing is refused until then; objectors and closed accounts stay out."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from petite.accounts import actions as account_actions
from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory, address, signed_in
from petite.core import bulkmail
from petite.core.errors import ActionRefused
from petite.core.models import AuditEvent, Delivery
from petite.legal import actions, packages, selectors, tasks
from petite.legal.models import Transfer, TransferNotice
from petite.privacy.models import Disclosure

from .conftest import DAY, at


class KilledWorker(EmailBackend):
    """Accepts ``fail_after`` messages, then dies once (SystemExit: a killed worker)."""

    fail_after = 2
    died = False

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        if len(mail.outbox) >= type(self).fail_after and not type(self).died:
            type(self).died = True
            raise SystemExit(1)
        return super().send_messages(messages)


@pytest.fixture
def members(db: None) -> list[Member]:
    recent = timezone.now() - 100 * DAY
    return [
        MemberFactory.create(email=address(f"member{n}"), date_joined=recent, language=lang)
        for n, lang in enumerate(["en", "en", "fr", "en", "fr"])
    ]


@pytest.fixture
def dormant(db: None) -> Member:
    """Last active four years ago: outside the 3-year scope."""
    long_ago = timezone.now() - 4 * 365 * DAY
    return MemberFactory.create(email=address("dormant"), date_joined=long_ago, last_login=long_ago)


def new_transfer(staff: Member, days: int = 40) -> Transfer:
    return actions.record_transfer(
        actor=staff,
        recipient="Grande Plateforme SA",
        kind=Transfer.Kind.ACQUISITION,
        planned_at=timezone.now() + days * DAY,
        categories=["identity", "contact"],
    )


def notify(staff: Member, transfer: Transfer, capture: Any) -> None:
    with capture(execute=True):
        actions.start_notices(transfer=transfer, actor=staff)


def told(transfer: Transfer) -> Counter[str]:
    marker = "legal.transfernotice."
    return Counter(
        a for m in mail.outbox for a in m.to if marker in str(m.extra_headers.get("Message-ID"))
    )


@pytest.mark.clause("S6")
@pytest.mark.clause("E3")
def test_the_notice_period_defaults_to_30_days_and_never_goes_under_15(
    staff: Member, members: list[Member], settings: Any
) -> None:
    assert actions.transfers.notice_period() == timedelta(days=30)
    with pytest.raises(ActionRefused, match="30 days"):
        actions.start_notices(transfer=new_transfer(staff, days=29), actor=staff)

    settings.PETITE_TRANSFER_NOTICE_DAYS = 3
    assert actions.transfers.notice_period() == timedelta(days=15)
    with pytest.raises(ActionRefused, match="15 days"):
        actions.start_notices(transfer=new_transfer(staff, days=14), actor=staff)


@pytest.mark.clause("S6")
def test_every_active_member_is_told_exactly_once_even_when_a_worker_is_killed(
    staff: Member,
    members: list[Member],
    dormant: Member,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.KilledWorker"}}
    KilledWorker.died = False
    transfer = new_transfer(staff)
    start = timezone.now()
    with at(start):
        notify(staff, transfer, django_capture_on_commit_callbacks)
        stranded = selectors.transfer_notices(transfer).filter(status=Delivery.Status.SENDING)
        assert KilledWorker.died
        assert stranded.exists()
        with django_capture_on_commit_callbacks(execute=True):
            tasks.resume_legal_notices.enqueue()
    with (
        at(start + bulkmail.lease() + timedelta(minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.resume_legal_notices.enqueue()
        tasks.resume_legal_notices.enqueue()

    recipients = told(transfer)
    expected = sorted(m.email for m in [*members, staff])
    assert sorted(recipients) == expected  # staff are members too; the dormant one is not
    assert set(recipients.values()) == {1}
    notice = next(m for m in mail.outbox if m.to == [members[0].email])
    assert "Grande Plateforme SA" in notice.body
    assert reverse("legal:transfer", args=[transfer.pk]) in notice.body
    assert reverse("accounts:delete") in notice.body
    french = next(m for m in mail.outbox if m.to == [members[2].email])
    assert (
        french.subject == "[Petite] Vos données pourraient être transférées à Grande Plateforme SA"
    )
    assert AuditEvent.objects.filter(action="legal.transfer_notices_started").count() == 1


@pytest.mark.clause("S6")
def test_executing_a_day_early_or_with_one_notice_undelivered_is_refused(
    staff: Member, members: list[Member], django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now()
    with at(start):
        transfer = new_transfer(staff, days=40)
        notify(staff, transfer, django_capture_on_commit_callbacks)
        assert selectors.transfer_notices(transfer).exclude(status="sent").count() == 0

    with at(start + 39 * DAY), pytest.raises(ActionRefused, match="planned date"):
        actions.execute_transfer(transfer=transfer, actor=staff)

    TransferNotice.objects.filter(member=members[3]).update(status=Delivery.Status.FAILED)
    with at(start + 41 * DAY), pytest.raises(ActionRefused, match="1 member"):
        actions.execute_transfer(transfer=transfer, actor=staff)
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.NOTIFYING
    assert not Disclosure.objects.filter(recipient="successor").exists()
    assert AuditEvent.objects.filter(action="legal.transfer_execution_refused").count() == 2


@pytest.mark.clause("S6")
def test_a_notice_sent_late_moves_the_earliest_execution(
    staff: Member, members: list[Member], django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now()
    with at(start):
        transfer = new_transfer(staff, days=31)
        notify(staff, transfer, django_capture_on_commit_callbacks)
    # One notice only went out ten days later (the mail server was down).
    TransferNotice.objects.filter(member=members[0]).update(sent_at=start + 10 * DAY)
    with at(start + 32 * DAY), pytest.raises(ActionRefused, match="notice period"):
        actions.execute_transfer(transfer=transfer, actor=staff)
    with at(start + 41 * DAY):
        actions.execute_transfer(transfer=transfer, actor=staff)


@pytest.mark.clause("S6")
def test_objectors_and_deleted_accounts_are_not_in_the_dataset(
    staff: Member, members: list[Member], django_capture_on_commit_callbacks: Any
) -> None:
    objector, leaver, *others = members
    start = timezone.now()
    with at(start):
        transfer = new_transfer(staff, days=40)
        notify(staff, transfer, django_capture_on_commit_callbacks)
    with at(start + 5 * DAY):
        page = signed_in(objector).get(reverse("legal:transfer", args=[transfer.pk]))
        assert page.status_code == 200
        assert "Grande Plateforme SA" in page.content.decode()
        response = signed_in(objector).post(reverse("legal:transfer", args=[transfer.pk]))
        assert response.status_code == 302
        account_actions.request_account_deletion(member=leaver, immediate=False)
    with at(start + 41 * DAY):
        assert signed_in(objector).post(
            reverse("legal:transfer", args=[transfer.pk])
        ).status_code in (404, 409)
        executed = actions.execute_transfer(transfer=transfer, actor=staff)

    assert executed.status == Transfer.Status.EXECUTED
    content = packages.load(executed.dataset_name)
    with zipfile.ZipFile(io.BytesIO(content)) as bundle:
        names = sorted(bundle.namelist())
    expected = sorted(f"members/{m.pk}.zip" for m in [*others, staff])
    assert names == expected
    assert executed.dataset_members == len(expected)
    logged = Disclosure.objects.filter(recipient="successor")
    assert sorted(logged.values_list("member_id", flat=True)) == sorted(
        m.pk for m in [*others, staff]
    )
    assert set(logged.values_list("purpose", flat=True)) == {"S6"}
    assert not logged.filter(member__in=[objector, leaver]).exists()
    with default_storage.open(executed.dataset_name, "rb") as stored:
        assert stored.read(6) == b"gAAAAA"
    assert AuditEvent.objects.filter(action="legal.transfer_executed").count() == 1
    assert AuditEvent.objects.filter(action="legal.transfer_objected").count() == 1


@pytest.mark.clause("S6")
def test_a_member_outside_the_scope_cannot_see_or_object(
    staff: Member, members: list[Member], dormant: Member, django_capture_on_commit_callbacks: Any
) -> None:
    transfer = new_transfer(staff)
    notify(staff, transfer, django_capture_on_commit_callbacks)
    client = signed_in(dormant)
    assert client.get(reverse("legal:transfer", args=[transfer.pk])).status_code == 404
    assert client.post(reverse("legal:transfer", args=[transfer.pk])).status_code == 404
    with pytest.raises(ActionRefused):
        actions.object_to_transfer(transfer=transfer, member=dormant)
