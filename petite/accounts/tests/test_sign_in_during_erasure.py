"""Finding 5 of issue 11, "500s": signing in during or after choosing immediate erasure
answered with an IntegrityError, and a member who chose "Now: this cannot be undone"
could still sign in and keep the account. Sign-in is refused cleanly; erasure proceeds."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from petite.accounts import actions
from petite.accounts.models import ConnectionEvent, Member
from petite.core.errors import ActionRefused
from petite.privacy import erasure


@pytest.fixture
def _erasure_waits_for_the_worker(settings: Any) -> None:
    # The erasure runs in the background: between the choice and the worker, the
    # member may try to sign in again.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def sign_in(member_email: str, password: str) -> Any:
    return Client().post(reverse("account_login"), {"login": member_email, "password": password})


@pytest.mark.clause("U2", "SEC1")
@pytest.mark.usefixtures("_erasure_waits_for_the_worker")
def test_500s_a_member_who_chose_immediate_erasure_cannot_sign_in(alice, password):
    actions.request_account_deletion(member=alice, immediate=True)

    response = sign_in(alice.email, password)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:delete_done") + "?when=now"
    assert "_auth_user_id" not in response.client.session
    assert Member.objects.filter(pk=alice.pk).exists()  # the worker erases it, nothing else


@pytest.mark.clause("U2", "SEC1")
@pytest.mark.usefixtures("_erasure_waits_for_the_worker")
def test_500s_an_immediate_erasure_cannot_be_cancelled(alice):
    actions.request_account_deletion(member=alice, immediate=True)

    with pytest.raises(ActionRefused) as refused:
        actions.cancel_account_deletion(member=alice)

    assert refused.value.status == 409
    alice.refresh_from_db()
    assert alice.deletion_due_at is not None


@pytest.mark.clause("U2", "SEC1")
@pytest.mark.usefixtures("_erasure_waits_for_the_worker")
def test_500s_a_session_left_on_the_cancel_page_cannot_keep_the_account(alice):
    device = Client()
    device.force_login(alice)
    actions.request_account_deletion(member=alice, immediate=True)
    device.force_login(alice)  # a session that outlived the choice, however it did

    response = device.post(reverse("accounts:delete_cancel"), {"action": "keep"})

    assert response.status_code == 409
    alice.refresh_from_db()
    assert alice.deletion_due_at is not None


@pytest.mark.clause("R1.2", "SEC1")
def test_500s_a_sign_in_logged_after_the_erasure_removed_the_member(alice):
    signing_in = Member.objects.get(pk=alice.pk)  # loaded by the sign-in, before the erasure
    erasure.erase_member(member=alice, reason="account deletion")

    event = actions.record_connection(
        member=signing_in,
        succeeded=True,
        method=ConnectionEvent.Method.PASSWORD,
        ip="90.0.0.1",
        user_agent="Firefox",
    )

    assert event.member_id is None
    assert ConnectionEvent.objects.filter(pk=event.pk, member__isnull=True).exists()
