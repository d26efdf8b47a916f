"""With every cookie blocked: the public site works, and sign-in says what it needs (R1.5)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from petite.accounts.models import Member
from petite.accounts.tests.factories import PASSWORD
from petite.consent.models import ConsentRecord

from .conftest import SAME_ORIGIN, post_choice

pytestmark = pytest.mark.django_db


def cookieless_get(client: Client, path: str) -> int:
    client.cookies.clear()
    status: int = client.get(path).status_code
    client.cookies.clear()
    return status


@pytest.mark.clause("R1.5")
@pytest.mark.parametrize(
    "path", ["/", "/privacy/", "/contact/", "/cookies/", "/accounts/login/", "/accounts/signup/"]
)
def test_the_public_pages_work_with_every_cookie_blocked(visitor: Client, path: str) -> None:
    assert cookieless_get(visitor, path) == 200


@pytest.mark.clause("R1.5")
def test_refusing_works_without_cookies_and_is_simply_asked_again(visitor: Client) -> None:
    response = post_choice(visitor, "refuse_all", next="/privacy/")
    visitor.cookies.clear()  # the browser keeps nothing

    assert response.status_code == 302
    assert ConsentRecord.objects.get().audience is False
    assert 'id="consent-banner"' in visitor.get("/privacy/").content.decode()


@pytest.mark.clause("R1.5")
def test_the_sign_in_page_says_it_needs_the_session_cookie(visitor: Client) -> None:
    html = visitor.get(reverse("account_login")).content.decode()

    assert 'id="cookie-note"' in html
    assert "Signing in needs the session cookie" in html
    assert "refusing cookies in our banner does not remove them" in html


@pytest.mark.clause("R1.5")
def test_signing_in_with_cookies_blocked_explains_why_it_failed(
    visitor: Client, alice: Member
) -> None:
    visitor.get(reverse("account_login"))
    visitor.cookies.clear()  # the browser dropped the form's cookie

    response = visitor.post(
        reverse("account_login"),
        {"login": alice.email, "password": PASSWORD, "csrfmiddlewaretoken": "x" * 64},
        **SAME_ORIGIN,
    )

    html = response.content.decode()
    assert response.status_code == 403
    assert 'id="cookies-blocked"' in html
    assert "Signing in needs the session cookie" in html
    assert f'href="{reverse("account_login")}"' in html  # try again
    assert "_auth_user_id" not in visitor.session


@pytest.mark.clause("R1.5")
def test_an_expired_form_is_explained_without_blaming_cookies(visitor: Client) -> None:
    visitor.get(reverse("account_login"))

    response = visitor.post(reverse("account_login"), {"csrfmiddlewaretoken": "bad"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html
    assert 'id="cookies-blocked"' not in html


@pytest.mark.clause("R1.5")
def test_the_refusal_pages_are_in_french(visitor: Client) -> None:
    response = visitor.post("/fr/accounts/login/", {})

    assert response.status_code == 403
    assert "Des cookies sont nécessaires pour ce formulaire" in response.content.decode()
