"""The member's "Authorised apps" pages: grouped by app, what each read, revocation (S3)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

from petite.accounts.tests.factories import signed_in
from petite.core.models import AuditEvent
from petite.privacy.models import Disclosure
from petite.thirdparty.models import Authorisation

from .factories import bearer, issue_tokens

pytestmark = pytest.mark.clause("S3")


def test_apps_are_listed_once_each_with_scopes_dates_and_what_they_read(alice, app, other_app):
    # Three token pairs for one app (three devices): still one entry.
    for _ in range(3):
        issued = issue_tokens(alice, app, scope="profile")
    issue_tokens(alice, other_app, scope="email")
    Client().get("/api/me", headers=bearer(issued.access))

    response = signed_in(alice).get(reverse("thirdparty:index"))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<h2 id="app-') == 2
    assert "Stargazer" in page
    assert "Moonwatch" in page
    assert "Run by Stargazer SAS" in page
    assert "your first name, your last name, your full name" in page
    assert "your primary e-mail address" in page  # Moonwatch's scope
    assert "First authorised" in page
    assert "Last used" in page
    assert "(GET /api/me)" in page  # what Stargazer read
    [stargazer, _moonwatch] = sorted(
        response.context["apps"], key=lambda entry: entry.application.name != "Stargazer"
    )
    assert stargazer.read_count == 1
    assert stargazer.recent_reads[0].fields == [
        "an identifier of your account for this app alone",
        "your first name",
        "your last name",
        "your full name",
    ]


def test_the_page_is_for_its_member_alone(alice, bob, staff_client, app):
    issue_tokens(alice, app)
    url = reverse("thirdparty:index")

    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert "Stargazer" not in signed_in(bob).get(url).content.decode()
    assert "Stargazer" not in staff_client.get(url).content.decode()
    assert "Stargazer" in signed_in(alice).get(url).content.decode()


def test_revoking_asks_for_confirmation_then_deletes_every_code_and_token(alice, app):
    issued = issue_tokens(alice, app)
    issue_tokens(alice, app)  # a second device
    authorisation = Authorisation.objects.get(member=alice)
    url = reverse("thirdparty:revoke", args=[authorisation.pk])
    client = signed_in(alice)

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Revoke Stargazer?" in confirmation.content.decode()
    assert AccessToken.objects.filter(user=alice).count() == 2  # a GET changes nothing

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("thirdparty:index")
    for model in (AccessToken, RefreshToken, IDToken, Grant, Authorisation):
        assert not model.objects.exists(), model
    event = AuditEvent.objects.get(action="thirdparty.app_revoked")
    assert event.actor == alice
    assert event.data == {"tokens": 4}
    assert Client().get("/api/me", headers=bearer(issued.access)).status_code == 401
    followed = client.get(response["Location"])
    assert "Stargazer can no longer read your data" in followed.content.decode()


def test_nobody_else_can_see_or_revoke_an_authorisation(alice, bob, staff_client, app):
    issue_tokens(alice, app)
    authorisation = Authorisation.objects.get(member=alice)
    url = reverse("thirdparty:revoke", args=[authorisation.pk])

    for client in (Client(),):
        response = client.post(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    for client in (signed_in(bob), staff_client):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert Authorisation.objects.filter(pk=authorisation.pk).exists()
    assert AccessToken.objects.filter(user=alice).exists()


def test_revoking_one_app_leaves_the_others(alice, app, other_app):
    issue_tokens(alice, app)
    kept = issue_tokens(alice, other_app)
    authorisation = Authorisation.objects.get(member=alice, application=app)

    signed_in(alice).post(reverse("thirdparty:revoke", args=[authorisation.pk]))

    assert Authorisation.objects.filter(member=alice, application=other_app).exists()
    assert Client().get("/api/me", headers=bearer(kept.access)).status_code == 200


def test_the_reads_page_lists_every_read_including_revoked_apps(alice, bob, staff_client, app):
    issued = issue_tokens(alice, app, scope="email")
    Client().get("/api/me", headers=bearer(issued.access))
    signed_in(alice).post(
        reverse("thirdparty:revoke", args=[Authorisation.objects.get(member=alice).pk])
    )
    url = reverse("thirdparty:reads")

    page = signed_in(alice).get(url).content.decode()

    assert "Stargazer" in page
    assert "your primary e-mail address, whether that address is verified" in page
    assert "Contact details" in page
    assert Disclosure.objects.filter(member=alice).count() == 1
    assert "Stargazer" not in signed_in(bob).get(url).content.decode()
    assert "Stargazer" not in staff_client.get(url).content.decode()
    assert Client().get(url).status_code == 302


def test_the_pages_work_in_french(alice, app):
    issue_tokens(alice, app, scope="profile")
    page = signed_in(alice).get("/fr/apps/").content.decode()
    assert "Applications autorisées" in page
    assert "votre prénom" in page
