"""The account pages speak French too (issue 2, item 9)."""

from __future__ import annotations

import pytest


@pytest.mark.clause("R1.1")
def test_the_sign_in_page_explains_its_cookie_in_french(client, db):
    response = client.get("/fr/accounts/login/")

    assert "le cookie de session" in response.content.decode()


@pytest.mark.clause("R1.2")
def test_the_security_page_is_in_french(client, alice):
    client.force_login(alice)

    response = client.get("/fr/account/security/")

    body = response.content.decode()
    assert "Historique des connexions" in body
    assert "Sessions actives" in body
