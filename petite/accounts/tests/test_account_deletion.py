"""Deleting one's account (U2, E4): after reauthentication, with a grace period
during which signing in offers to cancel, or at once; one confirmation e-mail."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts import actions, selectors, tasks
from petite.accounts.models import Member
from petite.core.models import AuditEvent
from petite.portraits.tests.factories import PortraitFactory
from petite.privacy import erasure
from petite.privacy.models import ErasureReceipt

DELETE = reverse("accounts:delete")
CANCEL = reverse("accounts:delete_cancel")
LATER = {"when": "later"}
NOW = {"when": "now"}


@pytest.fixture(autouse=True)
def _export_dir(settings: Any, tmp_path: Path) -> None:
    settings.PETITE_EXPORT_DIR = tmp_path / "exports"
    settings.PETITE_ACCOUNT_DELETION_GRACE_DAYS = 14


def signed_in(member: Member, password: str) -> Client:
    """A device where ``member`` just signed in through allauth (which counts as a
    recent authentication)."""
    device = Client()
    response = device.post(reverse("account_login"), {"login": member.email, "password": password})
    assert response.status_code == 302
    return device


def confirmed(member: Member, password: str) -> Client:
    """A device where ``member`` signed in and has just confirmed their password."""
    device = signed_in(member, password)
    response = device.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302
    return device


def after(days: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(days=days), tick=False)


def still_there(member: Member) -> bool:
    return Member.objects.filter(pk=member.pk).exists()


# --- Access ---------------------------------------------------------------------------


@pytest.mark.clause("U2", "SEC1")
def test_visitors_are_asked_to_sign_in(client, db):
    response = client.get(DELETE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.clause("U2", "SEC1")
def test_a_member_must_confirm_their_password_first(client, alice):
    client.force_login(alice)

    response = client.post(DELETE, LATER)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    alice.refresh_from_db()
    assert not alice.is_closing


@pytest.mark.clause("U2", "SEC1")
def test_the_page_itself_needs_the_password_confirmed(client, alice):
    client.force_login(alice)

    response = client.get(DELETE)

    assert response["Location"].startswith(reverse("account_reauthenticate"))


@pytest.mark.clause("U2", "SEC1")
def test_a_member_can_only_ever_delete_their_own_account(alice, bob, password):
    device = confirmed(bob, password)

    device.post(DELETE, {**LATER, "member": alice.pk, "email": alice.email})

    alice.refresh_from_db()
    bob.refresh_from_db()
    assert bob.is_closing
    assert not alice.is_closing


@pytest.mark.clause("U2", "SEC1")
def test_staff_delete_their_own_account_here_and_no_one_elses(staff, alice, password):
    device = confirmed(staff, password)

    device.post(DELETE, {**LATER, "member": alice.pk})

    staff.refresh_from_db()
    alice.refresh_from_db()
    assert staff.is_closing
    assert not alice.is_closing


@pytest.mark.clause("U2", "SEC1")
def test_the_cancel_page_only_concerns_the_signed_in_member(alice, bob, password):
    actions.request_account_deletion(member=alice, immediate=False)
    device = confirmed(bob, password)

    response = device.post(CANCEL, {"action": "keep", "member": alice.pk})

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.is_closing


@pytest.mark.clause("U2", "SEC1")
def test_the_cancel_page_asks_visitors_to_sign_in(client, db):
    response = client.post(CANCEL, {"action": "keep"})

    assert response["Location"].startswith(reverse("account_login"))


# --- The page -------------------------------------------------------------------------


@pytest.mark.clause("U2", "E4")
def test_the_page_says_what_is_erased_and_what_the_law_makes_us_keep(alice, password):
    response = confirmed(alice, password).get(DELETE)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Postal address" in body  # a category the erasure removes
    assert "Connection data" in body
    assert "proof that your data was erased" in body.lower()  # kept under a legal obligation
    assert "Records of actions" in body
    assert 'type="radio"' in body
    assert "In 14 days" in body


@pytest.mark.clause("U2")
def test_an_invalid_choice_is_refused_next_to_the_field(alice, password):
    response = confirmed(alice, password).post(DELETE, {"when": "<script>yesterday</script>"})

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert "<script>yesterday" not in response.content.decode()
    alice.refresh_from_db()
    assert not alice.is_closing


@pytest.mark.clause("U2", "E4")
def test_the_page_is_in_french(alice, password):
    device = confirmed(alice, password)

    body = device.get("/fr" + DELETE).content.decode()

    assert "Supprimer votre compte" in body
    assert "Dans 14 jours" in body


# --- Deferred deletion ----------------------------------------------------------------


@pytest.mark.clause("U2")
def test_asking_for_deletion_signs_the_member_out_everywhere(alice, password):
    laptop, phone = confirmed(alice, password), confirmed(alice, password)

    response = laptop.post(DELETE, LATER)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:delete_done") + "?when=later"
    assert laptop.get(reverse("accounts:security")).status_code == 302
    assert phone.get(reverse("accounts:security")).status_code == 302
    signed_in_as_alice = [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(alice.pk)
    ]
    assert signed_in_as_alice == []


@pytest.mark.clause("U2")
def test_a_closing_account_is_hidden_and_receives_no_more_e_mail(alice, bob, password):
    confirmed(alice, password).post(DELETE, LATER)

    alice.refresh_from_db()
    assert alice.is_closing
    assert alice.is_active  # so that signing in can cancel
    assert alice.deletion_due_at == alice.deletion_requested_at + timedelta(days=14)
    assert list(Member.objects.visible()) == [bob]
    assert selectors.can_email(alice) is False
    assert selectors.can_email(bob) is True
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="accounts.deletion_requested", actor=alice).exists()


@pytest.mark.clause("U2")
def test_the_account_is_erased_once_the_grace_period_is_over(alice, bob, password):
    PortraitFactory.create(member=alice)
    confirmed(alice, password).post(DELETE, LATER)

    with after(13):
        assert tasks.erase_due_accounts.call() == 0
    assert still_there(alice)
    with after(14.01):
        assert tasks.erase_due_accounts.call() == 1

    assert not still_there(alice)
    assert still_there(bob)
    receipt = ErasureReceipt.objects.get()
    assert receipt.reason == actions.DELETION_REASON
    assert receipt.status == ErasureReceipt.Status.VERIFIED
    assert receipt.outcome["portraits.Portrait"]["deleted"] == 1


@pytest.mark.clause("U2")
def test_the_confirmation_e_mail_is_sent_once_with_what_was_erased_and_kept(alice, password):
    address = alice.email
    confirmed(alice, password).post(DELETE, LATER)

    with after(15):
        tasks.erase_due_accounts.call()
        tasks.erase_due_accounts.call()
        tasks.erase_account.call(alice.pk)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [address]
    assert message.subject == "[Petite] Your account has been deleted"
    assert "Members: 1" in message.body
    assert "What the law makes us keep" in message.body
    assert "This is the last e-mail we send you" in message.body


@pytest.mark.clause("U2")
def test_the_confirmation_is_in_the_members_language(alice, password):
    Member.objects.filter(pk=alice.pk).update(language="fr")
    actions.request_account_deletion(member=alice, immediate=False)

    with after(15):
        tasks.erase_due_accounts.call()

    assert mail.outbox[0].subject == "[Petite] Votre compte a été supprimé"


@pytest.mark.clause("U2")
def test_signing_in_during_the_grace_period_offers_to_cancel(alice, password):
    confirmed(alice, password).post(DELETE, LATER)

    with after(3):
        device = Client()
        response = device.post(
            reverse("account_login"), {"login": alice.email, "password": password}
        )
        assert response["Location"] == CANCEL
        page = device.get(CANCEL)
    assert page.status_code == 200
    assert "Keep my account" in page.content.decode()


@pytest.mark.clause("U2")
def test_cancelling_keeps_the_account_for_good(alice, password):
    confirmed(alice, password).post(DELETE, LATER)
    with after(3):
        device = signed_in(alice, password)

        response = device.post(CANCEL, {"action": "keep"})

        assert response["Location"] == reverse("accounts:security")
        assert device.get(reverse("accounts:security")).status_code == 200
    alice.refresh_from_db()
    assert not alice.is_closing
    assert selectors.can_email(alice)
    with after(20):
        assert tasks.erase_due_accounts.call() == 0
    assert still_there(alice)
    assert mail.outbox == []


@pytest.mark.clause("U2")
def test_going_on_with_the_deletion_signs_out_again(alice, password):
    confirmed(alice, password).post(DELETE, LATER)
    with after(3):
        device = signed_in(alice, password)

        device.post(CANCEL, {"action": "leave"})

        assert device.get(reverse("accounts:security")).status_code == 302
    alice.refresh_from_db()
    assert alice.is_closing


@pytest.mark.clause("U2")
def test_a_member_who_is_not_closing_is_sent_back_from_the_cancel_page(alice, password):
    response = signed_in(alice, password).get(CANCEL)

    assert response["Location"] == reverse("accounts:security")


# --- Immediate deletion ---------------------------------------------------------------


@pytest.mark.clause("U2")
def test_immediate_deletion_erases_at_once(
    alice, bob, password, django_capture_on_commit_callbacks
):
    address = alice.email
    device = confirmed(alice, password)

    with django_capture_on_commit_callbacks(execute=True):
        response = device.post(DELETE, NOW)

    assert response["Location"] == reverse("accounts:delete_done") + "?when=now"
    assert not still_there(alice)
    assert still_there(bob)
    assert [m.to for m in mail.outbox] == [[address]]
    assert "being erased now" in Client().get(response["Location"]).content.decode()


@pytest.mark.clause("U2", "SEC1")
def test_a_failed_erasure_is_retried_and_does_not_stop_the_others(alice, bob, monkeypatch):
    actions.request_account_deletion(member=alice, immediate=False)
    actions.request_account_deletion(member=bob, immediate=False)
    real = erasure.erase_member

    def fail_for_alice(*, member: Any, **kwargs: Any) -> ErasureReceipt:
        if member.pk == alice.pk:
            raise RuntimeError("disk full")
        return real(member=member, **kwargs)

    monkeypatch.setattr(erasure, "erase_member", fail_for_alice)
    with after(15):
        assert tasks.erase_due_accounts.call() == 1
    assert still_there(alice)
    assert not still_there(bob)

    monkeypatch.setattr(erasure, "erase_member", real)
    with after(15.05):
        assert tasks.erase_due_accounts.call() == 1
    assert not still_there(alice)
    assert len(mail.outbox) == 2


@pytest.mark.clause("U2")
def test_staff_acting_on_a_request_are_the_recorded_actor(alice, staff):
    actions.request_account_deletion(member=alice, immediate=False, actor=staff)

    event = AuditEvent.objects.get(action="accounts.deletion_requested")
    assert event.actor == staff
    assert event.target_id == str(alice.pk)


@pytest.mark.clause("U2")
def test_asking_again_never_postpones_the_erasure(alice):
    actions.request_account_deletion(member=alice, immediate=False)
    first_due = alice.deletion_due_at

    with after(5):
        actions.request_account_deletion(member=alice, immediate=False)

    alice.refresh_from_db()
    assert alice.deletion_due_at == first_due
