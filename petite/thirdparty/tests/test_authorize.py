"""The consent screen and the refusals of the authorisation server (S3)."""

from __future__ import annotations

import pytest
from django.test import Client

from petite.accounts.tests.factories import signed_in
from petite.core.models import AuditEvent
from petite.thirdparty.models import Authorisation

from .factories import REDIRECT_URI, authorisation_of, bearer, pkce_pair
from .oauth import AUTHORIZE, TOKEN, authorize_url, consent, exchange, hidden_fields, query_of

pytestmark = pytest.mark.clause("S3")


def test_the_consent_screen_names_the_owner_the_policy_and_every_field(alice, app):
    _verifier, challenge = pkce_pair()
    response = signed_in(alice).get(
        authorize_url(app, scope="profile portrait.address", code_challenge=challenge)
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Stargazer SAS" in page
    assert "https://stargazer.example/privacy" in page
    for label in ("your first name", "your last name", "your full name"):
        assert label in page
    for label in ("your street address", "your postcode", "your city", "your country"):
        assert label in page
    assert "an identifier of your account for this app alone" in page  # always given (pairwise)
    # Only what was asked for.
    assert "your primary e-mail address" not in page
    assert "your Portrait&#x27;s short biography" not in page
    # The consent form may send the browser on to the app's registered address, and no other.
    policy = response["Content-Security-Policy"]
    assert "form-action 'self' http://127.0.0.1:9999" in policy


def test_the_consent_screen_works_in_french(alice, app):
    client = signed_in(alice)
    _verifier, challenge = pkce_pair()
    response = client.get(
        authorize_url(app, scope="email", code_challenge=challenge), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    assert "votre adresse e-mail principale" in response.content.decode()


def test_an_anonymous_visitor_is_asked_to_sign_in_first(db, app):
    _verifier, challenge = pkce_pair()
    url = authorize_url(app, code_challenge=challenge)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Authorisation.objects.exists()


def test_consent_yields_a_code_and_records_the_authorisation(alice, app):
    client = signed_in(alice)
    verifier, params = consent(client, app, scope="profile email")

    assert set(params) == {"code", "state", "iss"}
    assert params["state"] == "s-123"
    authorisation = authorisation_of(alice, app)
    assert authorisation is not None
    assert authorisation.scopes == ["profile", "email"]
    assert authorisation.app_name == "Stargazer"
    assert AuditEvent.objects.filter(action="thirdparty.app_authorised", actor=alice).exists()

    tokens = exchange(client, app, params["code"], verifier)
    assert tokens.status_code == 200
    body = tokens.json()
    assert body["scope"] == "profile email"
    assert {"access_token", "refresh_token", "expires_in"} <= set(body)


def test_refusing_sends_the_member_back_with_access_denied_and_records_nothing(alice, app):
    _verifier, params = consent(signed_in(alice), app, allow=False)
    assert params["error"] == "access_denied"
    assert "code" not in params
    assert authorisation_of(alice, app) is None


def test_an_unknown_scope_is_refused(alice, app):
    _verifier, challenge = pkce_pair()
    response = signed_in(alice).get(
        authorize_url(app, scope="profile messages", code_challenge=challenge)
    )
    assert response.status_code == 302
    params = query_of(response["Location"])
    assert response["Location"].startswith(REDIRECT_URI)
    assert params["error"] == "invalid_scope"
    assert params["state"] == "s-123"
    assert authorisation_of(alice, app) is None


def test_a_request_without_scope_is_refused(alice, app):
    _verifier, challenge = pkce_pair()
    response = signed_in(alice).get(authorize_url(app, scope=None, code_challenge=challenge))
    assert query_of(response["Location"])["error"] == "invalid_scope"


def test_a_wrong_redirect_uri_is_refused_on_our_page_without_redirecting(alice, app):
    _verifier, challenge = pkce_pair()
    response = signed_in(alice).get(
        authorize_url(app, redirect_uri="https://evil.example/cb", code_challenge=challenge)
    )
    assert response.status_code == 400
    assert "Location" not in response
    page = response.content.decode()
    assert "has not registered with Petite" in page
    assert "evil.example" not in response.get("Content-Security-Policy", "")


def test_an_unknown_app_is_refused_on_our_page(alice, app):
    _verifier, challenge = pkce_pair()
    response = signed_in(alice).get(
        authorize_url(app, client_id="no-such-app", code_challenge=challenge)
    )
    assert response.status_code == 400
    assert "This app is not registered with Petite" in response.content.decode()


def test_pkce_is_required(alice, app):
    response = signed_in(alice).get(authorize_url(app, code_challenge_method=None))
    params = query_of(response["Location"])
    assert params["error"] == "invalid_request"
    assert "code_challenge" in params["error_description"].lower().replace(" ", "_")


def test_plain_pkce_is_refused(alice, app):
    response = signed_in(alice).get(
        authorize_url(app, code_challenge="x" * 50, code_challenge_method="plain")
    )
    params = query_of(response["Location"])
    assert params["error"] == "invalid_request"
    assert params["error_description"] == "PKCE must use code_challenge_method=S256."


def test_the_implicit_grant_is_refused(alice, app):
    _verifier, challenge = pkce_pair()
    response = signed_in(alice).get(
        authorize_url(app, response_type="token", code_challenge=challenge)
    )
    params = query_of(response["Location"].replace("#", "?"))
    assert params["error"] in {"unsupported_response_type", "unauthorized_client"}


def test_a_reused_authorisation_code_is_refused(alice, app):
    client = signed_in(alice)
    verifier, params = consent(client, app)
    assert exchange(client, app, params["code"], verifier).status_code == 200

    again = exchange(client, app, params["code"], verifier)

    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_a_code_with_the_wrong_verifier_is_refused(alice, app):
    client = signed_in(alice)
    _verifier, params = consent(client, app)
    other_verifier, _challenge = pkce_pair()
    response = exchange(client, app, params["code"], other_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("grant_type", ["client_credentials", "password"])
def test_other_grants_are_refused_at_the_token_endpoint(alice, password, app, grant_type):
    # Even with the member's real password: the app is not allowed this grant.
    response = Client().post(
        TOKEN,
        {
            "grant_type": grant_type,
            "client_id": app.client_id,
            "username": alice.email,
            "password": password,
        },
    )
    assert response.status_code in (400, 401)
    assert response.json()["error"] in {
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_client",
    }


def test_a_closing_account_cannot_authorise_an_app(alice, app):
    from django.utils import timezone

    alice.deletion_due_at = timezone.now()
    alice.save()
    _verifier, challenge = pkce_pair()
    response = signed_in(alice).get(authorize_url(app, code_challenge=challenge))
    assert response.status_code == 403
    assert "being deleted" in response.content.decode()


def test_a_tampered_consent_form_is_refused(alice, app):
    client = signed_in(alice)
    _verifier, challenge = pkce_pair()
    url = authorize_url(app, code_challenge=challenge)
    form = hidden_fields(client.get(url).content.decode())
    form["allow"] = "true"
    form["redirect_uri"] = "https://evil.example/cb"
    response = client.post(url, form)
    assert not response.get("Location", "").startswith("https://evil.example")
    assert authorisation_of(alice, app) is None
    assert AUTHORIZE  # the endpoint under test


def test_the_screen_is_skipped_only_while_a_live_token_covers_the_scopes(alice, app):
    client = signed_in(alice)
    verifier, params = consent(client, app, scope="profile")
    assert exchange(client, app, params["code"], verifier).status_code == 200

    _verifier, challenge = pkce_pair()
    same = client.get(authorize_url(app, scope="profile", code_challenge=challenge))
    assert same.status_code == 302
    assert "code=" in same["Location"]

    more = client.get(authorize_url(app, scope="profile email", code_challenge=challenge))
    assert more.status_code == 200  # a new scope: the member is asked
    assert "your primary e-mail address" in more.content.decode()


def test_revoking_an_access_token_at_the_revocation_endpoint_kills_its_refresh_token(alice, app):
    """django-oauth-toolkit issue #1510: a refresh token must not outlive its revoked access token."""
    client = signed_in(alice)
    verifier, params = consent(client, app)
    tokens = exchange(client, app, params["code"], verifier).json()

    revoked = Client().post(
        "/o/revoke_token/",
        {
            "token": tokens["access_token"],
            "token_type_hint": "access_token",
            "client_id": app.client_id,
        },
    )

    assert revoked.status_code == 200
    assert Client().get("/api/me", headers=bearer(tokens["access_token"])).status_code == 401
    refreshed = Client().post(
        TOKEN,
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": app.client_id,
        },
    )
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"
