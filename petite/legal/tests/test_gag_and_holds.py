"""Non-disclosure orders and legal holds (S5): hidden until the order lifts or lapses,
then the member is told once; a held member's erasure waits, then resumes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from petite.accounts import actions as account_actions
from petite.accounts import tasks as account_tasks
from petite.accounts.models import ConnectionEvent, Member
from petite.core.models import AuditEvent
from petite.legal import actions, tasks
from petite.legal.models import AuthorityRequest, RequestedAccount
from petite.privacy import disclosures, export, registry, retention
from petite.privacy.models import Disclosure, ErasureReceipt

from .conftest import DAY, at, court_request, take


def gagged_disclosure(
    staff: Member, member: Member, capture: Any, review_in: int = 90
) -> AuthorityRequest:
    request = court_request(staff, member, gag_review_at=timezone.now() + review_in * DAY)
    actions.decide(
        request=request, actor=staff, decision=AuthorityRequest.Decision.COMPLY, reasons="Valid."
    )
    _handover, token = actions.produce_disclosure(request=request, actor=staff)
    with capture(execute=True):
        assert take(token).status_code == 200
    return request


def visible(member: Member) -> list[Disclosure]:
    declaration = registry.declaration_for(Disclosure)
    assert declaration is not None
    return list(declaration.queryset_for(member))


def named(member: Member) -> list[RequestedAccount]:
    declaration = registry.declaration_for(RequestedAccount)
    assert declaration is not None
    return list(declaration.queryset_for(member))


def told(member: Member) -> list[Any]:
    return [m for m in mail.outbox if m.to == [member.email]]


@pytest.mark.clause("S5")
def test_a_gagged_disclosure_is_invisible_until_the_review_date_passes_then_told_once(
    alice: Member, staff: Member, django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now()
    with at(start):
        request = gagged_disclosure(staff, alice, django_capture_on_commit_callbacks)
        assert Disclosure.objects.filter(member=alice).count() == 1  # logged...
        assert visible(alice) == []  # ...hidden
        assert not disclosures.for_member(alice).exists()
        assert named(alice) == []
        assert told(alice) == []
        with django_capture_on_commit_callbacks(execute=True):
            tasks.review_non_disclosure_orders.enqueue()
        assert told(alice) == []

    with at(start + 89 * DAY):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.review_non_disclosure_orders.enqueue()
        assert visible(alice) == []
        assert told(alice) == []

    with at(start + 91 * DAY):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.review_non_disclosure_orders.enqueue()
            tasks.review_non_disclosure_orders.enqueue()
            tasks.resume_legal_notices.enqueue()
        assert len(visible(alice)) == 1
        assert len(named(alice)) == 1
        assert len(told(alice)) == 1
        assert "Tribunal judiciaire de Paris" in told(alice)[0].body
    request.refresh_from_db()
    assert request.gag == AuthorityRequest.Gag.LAPSED


@pytest.mark.clause("S5")
def test_an_extended_order_keeps_it_hidden_and_lifting_it_tells_the_member_once(
    alice: Member, staff: Member, django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now()
    with at(start):
        request = gagged_disclosure(staff, alice, django_capture_on_commit_callbacks, 30)
        actions.extend_gag(
            request=request, actor=staff, review_at=start + 120 * DAY, reason="Renewed order."
        )
    with at(start + 31 * DAY):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.review_non_disclosure_orders.enqueue()
        assert visible(alice) == []
        assert told(alice) == []
        with django_capture_on_commit_callbacks(execute=True):
            actions.lift_gag(request=request, actor=staff)
        assert len(visible(alice)) == 1
        assert len(told(alice)) == 1
        with django_capture_on_commit_callbacks(execute=True):
            tasks.review_non_disclosure_orders.enqueue()
            tasks.resume_legal_notices.enqueue()
        assert len(told(alice)) == 1
    request.refresh_from_db()
    assert (request.gag, request.gag_extensions) == (AuthorityRequest.Gag.LIFTED, 1)


@pytest.mark.clause("S5")
def test_a_gagged_request_stays_out_of_the_members_export(
    alice: Member, staff: Member, django_capture_on_commit_callbacks: Any, tmp_path: Any
) -> None:
    gagged_disclosure(staff, alice, django_capture_on_commit_callbacks)
    sections = {s.label: s.count for s in export.plan(alice)}
    assert sections["privacy.Disclosure"] == 0
    assert sections["legal.RequestedAccount"] == 0


@pytest.mark.clause("S5")
def test_staff_are_reminded_once_before_each_review_date(
    alice: Member, staff: Member, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    team = [settings.PETITE_TEAM_EMAIL]
    start = timezone.now()
    with at(start):
        request = court_request(staff, alice, gag_review_at=start + 30 * DAY)
    with at(start + 10 * DAY):
        tasks.review_non_disclosure_orders.enqueue()
        assert [m for m in mail.outbox if m.to == team] == []
    with at(start + 20 * DAY):
        tasks.review_non_disclosure_orders.enqueue()
        tasks.review_non_disclosure_orders.enqueue()
        reminders = [m for m in mail.outbox if m.to == team]
        assert len(reminders) == 1
        assert "review" in reminders[0].subject
        actions.extend_gag(
            request=request, actor=staff, review_at=start + 60 * DAY, reason="Renewed."
        )
    with at(start + 50 * DAY):
        tasks.review_non_disclosure_orders.enqueue()
        assert len([m for m in mail.outbox if m.to == team]) == 2


@pytest.mark.clause("S5")
def test_a_held_member_can_close_the_account_but_erasure_waits_then_resumes(
    alice: Member, staff: Member
) -> None:
    hold = actions.place_hold(member=alice, actor=staff, reason="Preservation order 2026/7")
    account_actions.request_account_deletion(member=alice, immediate=True)

    account_tasks.erase_due_accounts.enqueue()
    account_tasks.erase_due_accounts.enqueue()

    assert Member.objects.filter(pk=alice.pk).exists()
    receipt = ErasureReceipt.objects.get()
    assert receipt.status == ErasureReceipt.Status.HELD
    assert receipt.get_status_display() == "Frozen under a legal hold; erased when it lifts"
    assert [m for m in mail.outbox if m.to == [alice.email]] == []  # no "deleted" mail yet
    assert AuditEvent.objects.filter(action="privacy.erasure_held").count() == 1

    actions.lift_hold(hold=hold, actor=staff)
    account_tasks.erase_due_accounts.enqueue()

    assert not Member.objects.filter(pk=alice.pk).exists()
    receipt.refresh_from_db()
    assert ErasureReceipt.objects.count() == 1  # the same receipt, resumed
    assert receipt.status in (ErasureReceipt.Status.VERIFIED, ErasureReceipt.Status.FINDINGS)
    assert "held_until" in receipt.outcome
    assert len([m for m in mail.outbox if m.to == [alice.email]]) == 1


@pytest.mark.clause("S5")
def test_retention_skips_the_records_of_a_held_member(
    alice: Member, bob: Member, staff: Member, settings: Any
) -> None:
    old = timezone.now() - (settings.PETITE_CONNECTION_RETENTION_DAYS + 5) * DAY
    for member in (alice, bob):
        ConnectionEvent.objects.create(
            member=member, created_at=old, succeeded=True, method="password", ip="90.0.0.1"
        )
    hold = actions.place_hold(member=alice, actor=staff, reason="Preservation order")

    retention.purge_expired()

    assert list(ConnectionEvent.objects.values_list("member", flat=True)) == [alice.pk]
    actions.lift_hold(hold=hold, actor=staff)
    retention.purge_expired()
    assert not ConnectionEvent.objects.exists()
