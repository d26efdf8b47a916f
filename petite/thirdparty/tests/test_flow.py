"""The whole journey with a real OAuth client library against the running test server (S3):
consent, tokens, an API call limited to the granted scopes, OpenID Connect, refresh with
rotation, revocation from the member's page, and refusal of the revoked refresh token."""

from __future__ import annotations

import re
import warnings
from typing import Any

import httpx
import pytest
from authlib.common.security import generate_token
from django.conf import settings
from django.test import Client
from joserfc import jwt
from joserfc.jwk import KeySet

from petite.privacy.models import Disclosure
from petite.thirdparty import selectors
from petite.thirdparty.models import Authorisation

from .factories import REDIRECT_URI
from .oauth import hidden_fields

with warnings.catch_warnings():
    # authlib prefers the httpx2 fork, not installed here; httpx is what it falls back on.
    # (authlib.deprecate adds an "always" filter when first imported: import it first.)
    import authlib.deprecate

    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import (
        OAuth2Client,
    )

pytestmark = pytest.mark.clause("S3")

# One connection per request: no keep-alive connection (and no server thread holding
# the test database) outlives the test.
CLOSE = {"Connection": "close"}


def browser_for(member: Any, base_url: str) -> httpx.Client:
    """A browser signed in as ``member`` on the live server (its session cookie)."""
    django_client = Client()
    django_client.force_login(member)
    cookie = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    browser = httpx.Client(base_url=base_url, follow_redirects=False, timeout=10, headers=CLOSE)
    browser.cookies.set(settings.SESSION_COOKIE_NAME, cookie)
    return browser


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def consent_in(browser: httpx.Client, authorization_url: str) -> str:
    """Read the consent screen, approve it, and return where the browser is sent."""
    page = browser.get(authorization_url)
    assert page.status_code == 200
    assert "Stargazer SAS" in page.text
    form = hidden_fields(page.text)
    form["csrfmiddlewaretoken"] = csrf_token(page.text)
    form["allow"] = "true"
    answer = browser.post(authorization_url, data=form)
    assert answer.status_code == 302
    return answer.headers["location"]


def test_authorisation_code_with_pkce_end_to_end(transactional_db, live_server, alice, app):
    base = live_server.url
    oauth = OAuth2Client(
        client_id=app.client_id,
        redirect_uri=REDIRECT_URI,
        scope="openid profile",
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
        timeout=10,
        headers=CLOSE,
    )
    verifier = generate_token(48)
    authorization_url, state = oauth.create_authorization_url(
        base + "/o/authorize/", code_verifier=verifier
    )
    browser = browser_for(alice, base)

    # Consent: the member approves; the app gets a code at its redirect URI.
    back = consent_in(browser, authorization_url)
    assert back.startswith(REDIRECT_URI)

    # Token: the code and the PKCE verifier buy an access, a refresh and an ID token.
    token = oauth.fetch_token(
        base + "/o/token/", authorization_response=back, code_verifier=verifier, state=state
    )
    assert token["scope"] == "openid profile"
    first_refresh = token["refresh_token"]

    # OpenID Connect: the ID token is signed with the published key, for this app,
    # and says only who signed in, with this app's own identifier for the member.
    discovery = httpx.get(base + "/o/.well-known/openid-configuration", headers=CLOSE).json()
    keys = KeySet.import_key_set(httpx.get(discovery["jwks_uri"], headers=CLOSE).json())
    claims = jwt.decode(token["id_token"], keys).claims
    jwt.JWTClaimsRegistry(exp={"essential": True}).validate(claims)
    assert claims["iss"] == discovery["issuer"]
    assert claims["aud"] == app.client_id
    assert claims["sub"] == selectors.subject_for(alice, app)
    assert not {"email", "given_name", "name"} & set(claims)
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["response_types_supported"] == ["code"]

    # An API call limited to the granted scopes: names yes, e-mail address no.
    me = oauth.get(base + "/api/me").json()
    assert me == {
        "sub": claims["sub"],
        "given_name": "Alice",
        "family_name": "Martin",
        "name": "Alice Martin",
    }
    assert oauth.get(base + "/api/portrait").status_code == 403
    userinfo = oauth.get(base + "/o/userinfo/").json()
    assert userinfo["sub"] == claims["sub"]
    assert "email" not in userinfo
    reads = list(Disclosure.objects.filter(member=alice).order_by("at", "pk"))
    assert [d.reference for d in reads] == ["ID token", "GET /api/me", "GET /o/userinfo/"]
    assert reads[1].fields == ["family_name", "given_name", "name", "sub"]

    # Refresh: new tokens, and the old refresh token is spent (rotation).
    refreshed = oauth.refresh_token(base + "/o/token/", refresh_token=first_refresh)
    assert refreshed["refresh_token"] != first_refresh
    replay = httpx.post(
        base + "/o/token/",
        data={
            "grant_type": "refresh_token",
            "refresh_token": first_refresh,
            "client_id": app.client_id,
        },
        headers=CLOSE,
    )
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"

    # Reuse of a spent refresh token revoked the whole family (RFC 9700 §4.14.2):
    # the app must ask the member again. Authorise once more to carry on.
    verifier = generate_token(48)
    authorization_url, state = oauth.create_authorization_url(
        base + "/o/authorize/", code_verifier=verifier
    )
    back = browser.get(authorization_url).headers.get("location") or consent_in(
        browser, authorization_url
    )
    token = oauth.fetch_token(
        base + "/o/token/", authorization_response=back, code_verifier=verifier, state=state
    )
    assert oauth.get(base + "/api/me").status_code == 200

    # Revocation from the member's page: confirmation first, then a POST.
    authorisation = Authorisation.objects.get(member=alice, application=app)
    confirm = browser.get(f"/apps/{authorisation.pk}/revoke/")
    assert confirm.status_code == 200
    csrf = csrf_token(confirm.text)
    done = browser.post(f"/apps/{authorisation.pk}/revoke/", data={"csrfmiddlewaretoken": csrf})
    assert done.status_code == 302

    # Both tokens are dead at once: the access token, and the refresh token with it.
    assert oauth.get(base + "/api/me").status_code == 401
    refused = httpx.post(
        base + "/o/token/",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": app.client_id,
        },
        headers=CLOSE,
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert not Authorisation.objects.filter(member=alice).exists()
    browser.close()
    oauth.close()
