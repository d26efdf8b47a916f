"""The back-office for accounts: members by e-mail, the connection log read-only (SEC1)."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from petite.accounts import actions
from petite.accounts.models import ConnectionEvent, UsageCount
from petite.core.models import AuditEvent

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def back_office(client, staff):
    TOTP.activate(staff, SECRET)
    client.force_login(staff)
    return client


@pytest.mark.clause("SEC1")
def test_the_member_page_shows_no_password_hash(back_office, alice):
    response = back_office.get(reverse("admin:accounts_member_change", args=[alice.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert alice.email in body
    assert alice.password not in body
    assert "md5$" not in body
    assert "argon2" not in body


def test_members_are_found_by_e_mail(back_office, alice, bob):
    response = back_office.get(reverse("admin:accounts_member_changelist"), {"q": "alice"})

    assert list(response.context["cl"].result_list) == [alice]


@pytest.mark.clause("SEC1")
def test_a_staff_change_to_a_member_is_audited(back_office, staff, alice):
    url = reverse("admin:accounts_member_change", args=[alice.pk])

    response = back_office.post(
        url,
        {
            "email": alice.email,
            "first_name": "Alicia",
            "last_name": alice.last_name,
            "language": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.first_name == "Alicia"
    audit = AuditEvent.objects.get(action="accounts.member.changed")
    assert (audit.actor, audit.target_id, audit.data) == (
        staff,
        str(alice.pk),
        {"fields": ["first_name"]},
    )


@pytest.mark.clause("SEC1")
def test_the_connection_log_is_read_only(back_office, alice):
    event = actions.record_connection(
        member=alice,
        succeeded=True,
        method=ConnectionEvent.Method.PASSWORD,
        ip="90.0.0.1",
        user_agent="test",
    )
    change_url = reverse("admin:accounts_connectionevent_change", args=[event.pk])

    assert back_office.get(reverse("admin:accounts_connectionevent_changelist")).status_code == 200
    assert back_office.get(reverse("admin:accounts_connectionevent_add")).status_code == 403
    assert back_office.post(change_url, {"succeeded": ""}).status_code == 403
    assert (
        back_office.post(
            reverse("admin:accounts_connectionevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.succeeded


def test_usage_counts_are_read_only(back_office, alice):
    actions.count_usage(member_id=alice.pk, area="home", day=alice.date_joined.date())
    usage = UsageCount.objects.get()

    assert back_office.get(reverse("admin:accounts_usagecount_changelist")).status_code == 200
    assert back_office.get(reverse("admin:accounts_usagecount_add")).status_code == 403
    assert (
        back_office.post(
            reverse("admin:accounts_usagecount_delete", args=[usage.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
