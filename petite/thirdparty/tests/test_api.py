"""The JSON API: scopes enforced per field, every app read logged, sessions for members (S3)."""

from __future__ import annotations

import pytest
from django.test import Client

from petite.accounts.tests.factories import signed_in
from petite.portraits.actions import update_portrait
from petite.privacy.models import Disclosure
from petite.thirdparty import selectors
from petite.thirdparty.models import Authorisation

from .factories import bearer, issue_tokens

pytestmark = pytest.mark.clause("S3")


@pytest.fixture
def portrait(alice):
    update_portrait(
        member=alice,
        display_name="Alice M.",
        bio="Potter.",
        interests="ceramics",
        street="12 rue des Lilas",
        postcode="69003",
        city="Lyon",
        country="FR",
    )


def test_me_returns_only_the_fields_of_the_granted_scopes(alice, app):
    issued = issue_tokens(alice, app, scope="profile")

    response = Client().get("/api/me", headers=bearer(issued.access))

    assert response.status_code == 200
    assert response.json() == {
        "sub": selectors.subject_for(alice, app),
        "given_name": "Alice",
        "family_name": "Martin",
        "name": "Alice Martin",
    }


def test_the_email_scope_reveals_the_address_and_whether_it_is_verified(alice, app):
    issued = issue_tokens(alice, app, scope="email")
    body = Client().get("/api/me", headers=bearer(issued.access)).json()
    assert body == {
        "sub": selectors.subject_for(alice, app),
        "email": alice.email,
        "email_verified": True,
    }


def test_each_read_is_logged_with_the_fields_actually_returned(alice, app):
    issued = issue_tokens(alice, app, scope="openid email")

    Client().get("/api/me", headers=bearer(issued.access))

    disclosure = Disclosure.objects.get(member=alice)
    assert disclosure.recipient == "apps"
    assert disclosure.recipient_name == "Stargazer"
    assert disclosure.purpose == "P1"
    assert disclosure.fields == ["email", "email_verified", "sub"]
    assert disclosure.categories == ["authorised_apps", "contact"]
    assert disclosure.reference == "GET /api/me"
    assert Authorisation.objects.get(member=alice, application=app).last_used_at is not None


def test_portrait_scopes_split_the_profile_from_the_address(alice, app, portrait):
    issued = issue_tokens(alice, app, scope="portrait")
    body = Client().get("/api/portrait", headers=bearer(issued.access)).json()
    assert body == {
        "sub": selectors.subject_for(alice, app),
        "display_name": "Alice M.",
        "bio": "Potter.",
        "interests": "ceramics",
    }
    assert "street" not in body

    with_address = issue_tokens(alice, app, scope="portrait.address")
    body = Client().get("/api/portrait", headers=bearer(with_address.access)).json()
    assert body["street"] == "12 rue des Lilas"
    assert body["city"] == "Lyon"
    assert "bio" not in body
    logged = Disclosure.objects.filter(member=alice).order_by("at", "pk").last()
    assert logged is not None
    assert logged.categories == ["authorised_apps", "postal_address"]


def test_a_token_without_the_scopes_an_endpoint_serves_gets_403_and_nothing_is_logged(
    alice, app, portrait
):
    issued = issue_tokens(alice, app, scope="profile")

    response = Client().get("/api/portrait", headers=bearer(issued.access))

    assert response.status_code == 403
    assert response["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'
    assert "portrait" in response.json()["detail"]
    assert not Disclosure.objects.exists()


def test_the_identifier_differs_from_app_to_app(alice, app, other_app):
    first = Client().get("/api/me", headers=bearer(issue_tokens(alice, app).access)).json()
    second = Client().get("/api/me", headers=bearer(issue_tokens(alice, other_app).access)).json()
    assert first["sub"] != second["sub"]
    assert str(alice.pk) not in (first["sub"], second["sub"])


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic Zm9vOmJhcg=="])
def test_without_a_valid_token_or_session_the_api_answers_401(db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().get("/api/me", **extra)
    assert response.status_code == 401
    assert not Disclosure.objects.exists()


def test_a_token_in_the_query_string_is_not_accepted(alice, app):
    issued = issue_tokens(alice, app)
    response = Client().get("/api/me", {"access_token": issued.access})
    assert response.status_code == 401


def test_an_expired_token_is_refused(alice, app):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    issued = issue_tokens(alice, app)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert Client().get("/api/me", headers=bearer(issued.access)).status_code == 401


def test_a_closing_account_gives_apps_nothing_more(alice, app):
    from django.utils import timezone

    issued = issue_tokens(alice, app)
    alice.deletion_due_at = timezone.now()
    alice.save()
    assert Client().get("/api/me", headers=bearer(issued.access)).status_code == 401


def test_a_closing_account_gives_apps_no_userinfo_and_no_new_tokens(alice, app):
    from django.utils import timezone

    issued = issue_tokens(alice, app)
    alice.deletion_due_at = timezone.now()
    alice.save()

    userinfo = Client().get("/o/userinfo/", headers=bearer(issued.access))
    refreshed = Client().post(
        "/o/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": issued.refresh,
            "client_id": app.client_id,
        },
    )

    assert userinfo.status_code == 401
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"
    assert not Disclosure.objects.filter(member=alice).exists()


def test_a_bearer_request_is_judged_by_its_token_not_a_session_riding_along(alice, bob, app):
    client = signed_in(bob)
    response = client.get("/api/me", HTTP_AUTHORIZATION="Bearer forged")
    assert response.status_code == 401


# --- Members' own sessions ---------------------------------------------------------


def test_a_member_reads_their_own_data_with_their_session_and_nothing_is_logged(alice, portrait):
    client = signed_in(alice)
    me = client.get("/api/me").json()
    assert me == {
        "given_name": "Alice",
        "family_name": "Martin",
        "name": "Alice Martin",
        "email": alice.email,
        "email_verified": True,
    }
    assert client.get("/api/portrait").json()["city"] == "Lyon"
    assert not Disclosure.objects.exists()


def test_each_actor_sees_only_their_own_data(alice, bob, staff_client, app):
    """Object-level access: no endpoint takes a member id; every caller gets their own."""
    alice_token = issue_tokens(alice, app, scope="profile").access
    assert Client().get("/api/me", headers=bearer(alice_token)).json()["given_name"] == "Alice"
    assert signed_in(bob).get("/api/me").json()["given_name"] == "Bob"
    assert staff_client.get("/api/me").json()["given_name"] == "Sam"
    assert Client().get("/api/me").status_code == 401


def test_the_list_of_authorised_apps_is_for_the_member_alone(alice, bob, staff_client, app):
    issued = issue_tokens(alice, app, scope="profile")

    listed = signed_in(alice).get("/api/apps")
    assert listed.status_code == 200
    [entry] = listed.json()
    assert entry["name"] == "Stargazer"
    assert entry["owner"] == "Stargazer SAS"
    assert entry["scopes"] == ["profile"]

    assert signed_in(bob).get("/api/apps").json() == []
    assert staff_client.get("/api/apps").json() == []
    assert Client().get("/api/apps").status_code == 401
    # An app cannot learn which other apps the member uses.
    assert Client().get("/api/apps", headers=bearer(issued.access)).status_code == 401


def test_revoking_through_the_api_needs_the_owner_and_a_csrf_token(alice, bob, staff_client, app):
    issued = issue_tokens(alice, app, scope="profile")
    authorisation = Authorisation.objects.get(member=alice)
    url = f"/api/apps/{authorisation.pk}"

    assert Client().delete(url).status_code in (401, 403)
    assert Client().delete(url, headers=bearer(issued.access)).status_code in (401, 403)
    assert signed_in(bob).delete(url).status_code == 404
    assert staff_client.delete(url).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    refused = strict.delete(url)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF check Failed"}
    assert Authorisation.objects.filter(pk=authorisation.pk).exists()

    strict.get("/apps/")  # the page sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    response = strict.delete(url, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 204
    assert not Authorisation.objects.filter(pk=authorisation.pk).exists()
    assert Client().get("/api/me", headers=bearer(issued.access)).status_code == 401


def test_the_api_is_rate_limited_per_token(alice, app, settings):
    settings.PETITE_API_RATE = "3/m"
    first = issue_tokens(alice, app, scope="profile")
    second = issue_tokens(alice, app, scope="profile")

    codes = [Client().get("/api/me", headers=bearer(first.access)).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    # Another token has its own budget.
    assert Client().get("/api/me", headers=bearer(second.access)).status_code == 200
    assert Disclosure.objects.filter(member=alice).count() == 4  # the refused call read nothing


def test_the_openapi_document_is_served(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert {"/api/me", "/api/portrait", "/api/apps", "/api/apps/{authorisation_id}"} <= set(
        document["paths"]
    )
    schemes = document["components"]["securitySchemes"]
    assert {"AppToken", "MemberSession"} <= set(schemes)
