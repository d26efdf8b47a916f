"""Finding 9 of issue 11 (smaller): personal pages carried no ``Cache-Control: private,
no-store`` and the site no ``Permissions-Policy``. One middleware marks every response
to a signed-in member or to an API token; each personal page is checked here."""

from __future__ import annotations

import pytest
from django.urls import reverse

from petite.accounts.tests.factories import signed_in

PERSONAL_PAGES = (
    "rights:index",
    "portraits:edit",
    "messaging:inbox",
    "datarequests:list",
    "payments:orders",
    "accounts:security",
    "account_email",
    "marketing:preferences",
    "thirdparty:index",
    "consent:choose",
)


@pytest.mark.clause("SEC1")
@pytest.mark.parametrize("name", PERSONAL_PAGES)
def test_cache_control_every_personal_page_is_kept_by_nobody(alice, name):
    response = signed_in(alice).get(reverse(name))

    assert response.status_code in (200, 302), name
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives, (name, directives)
    assert "public" not in directives


@pytest.mark.clause("SEC1")
def test_cache_control_an_api_request_with_a_token_is_kept_by_nobody(db, client):
    response = client.get("/api/me", HTTP_AUTHORIZATION="Bearer not-a-real-token")

    assert "no-store" in response["Cache-Control"]


@pytest.mark.clause("SEC1")
def test_permissions_policy_every_page_turns_unused_browser_features_off(client, db):
    response = client.get(reverse("home"))

    policy = response["Permissions-Policy"]
    assert "camera=()" in policy
    assert "geolocation=()" in policy
    assert "microphone=()" in policy
