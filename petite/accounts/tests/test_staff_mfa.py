"""Two-factor authentication is mandatory for staff in the back-office (SEC1)."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.mark.clause("SEC1")
def test_staff_without_an_authenticator_app_are_sent_to_set_one_up(client, staff):
    client.force_login(staff)

    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[0] == (reverse("mfa_activate_totp"), 302)
    assert "two-factor authentication" in " ".join(str(m) for m in response.context["messages"])


@pytest.mark.clause("SEC1")
def test_staff_with_an_authenticator_app_enter_the_back_office(client, staff):
    TOTP.activate(staff, SECRET)
    client.force_login(staff)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200


@pytest.mark.clause("SEC1")
def test_every_back_office_page_is_guarded(client, staff):
    client.force_login(staff)

    response = client.get(reverse("admin:accounts_member_changelist"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.clause("SEC1")
def test_members_who_are_not_staff_are_refused(client, alice):
    client.force_login(alice)

    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 403


@pytest.mark.clause("SEC1")
def test_the_back_office_signs_in_through_allauth(client):
    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
