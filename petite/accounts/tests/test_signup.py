"""Sign-up asks for exactly the clause's fields, verifies the address, refuses bad input (R1.1)."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.urls import reverse

from petite.accounts.models import Member

from .factories import address

pytestmark = pytest.mark.django_db

PASSPHRASE = "violet lantern over quiet fjords"
CHLOE = address("chloe")


def signup_data(**overrides: str) -> dict[str, str]:
    return {
        "first_name": "Chloé",
        "last_name": "Bernard",
        "email": CHLOE,
        "password1": PASSPHRASE,
        "password2": PASSPHRASE,
        **overrides,
    }


def visible_field_names(html: str) -> list[str]:
    names = re.findall(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", html)
    hidden = set(re.findall(r"<input\b[^>]*type=\"hidden\"[^>]*name=\"([^\"]+)\"", html))
    hidden |= set(re.findall(r"<input\b[^>]*name=\"([^\"]+)\"[^>]*type=\"hidden\"", html))
    return [name for name in names if name not in hidden]


@pytest.mark.clause("R1.1")
def test_signup_asks_for_exactly_names_email_and_password_twice(client):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert visible_field_names(response.content.decode()) == [
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
    ]


@pytest.mark.clause("R1.1")
@pytest.mark.clause("P1")
def test_signup_creates_the_member_with_names_and_sends_a_verification_mail(client):
    response = client.post(reverse("account_signup"), signup_data())

    assert response.status_code == 302
    member = Member.objects.get(email=CHLOE)
    assert (member.first_name, member.last_name) == ("Chloé", "Bernard")
    assert not EmailAddress.objects.get(user=member).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [CHLOE]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.clause("R1.1")
@pytest.mark.clause("P4")
def test_an_unverified_member_cannot_sign_in(client):
    client.post(reverse("account_signup"), signup_data())
    client.logout()

    response = client.post(reverse("account_login"), {"login": CHLOE, "password": PASSPHRASE})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@pytest.mark.clause("R1.1")
def test_signup_fields_are_the_only_mandatory_ones(client):
    response = client.post(reverse("account_signup"), signup_data(first_name="", last_name=""))

    form = response.context["form"]
    assert set(form.errors) == {"first_name", "last_name"}
    assert not Member.objects.exists()


@pytest.mark.clause("SEC1")
def test_html_in_names_is_shown_escaped(client):
    response = client.post(
        reverse("account_signup"),
        signup_data(first_name="<script>alert(1)</script>", password2="does not match at all"),
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.clause("SEC1")
def test_sql_in_names_is_stored_as_text(client):
    name = "Robert'); DROP TABLE accounts_member;--"

    client.post(reverse("account_signup"), signup_data(last_name=name))

    assert Member.objects.get(email=CHLOE).last_name == name
    assert "accounts_member" in connection.introspection.table_names()


@pytest.mark.clause("SEC1")
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_an_over_long_name_gets_a_form_error(client, field):
    response = client.post(reverse("account_signup"), signup_data(**{field: "x" * 151}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Member.objects.exists()


@pytest.mark.clause("SEC1")
@pytest.mark.parametrize("email", ["not-an-address", "a@b@c.org", "x" * 250 + "@example.org"])
def test_a_malformed_email_gets_a_form_error(client, email):
    response = client.post(reverse("account_signup"), signup_data(email=email))

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Member.objects.exists()


@pytest.mark.clause("R1.1")
@pytest.mark.clause("P10")
def test_topics_offered_at_sign_up_are_optional_boxes_and_nothing_else_is_mandatory(client):
    from petite.marketing.models import Topic

    Topic.objects.create(
        slug="newsletter",
        name_en="Newsletter",
        name_fr="Les nouvelles",
        description_en="Once a month.",
        description_fr="Une fois par mois.",
    )

    html = client.get(reverse("account_signup")).content.decode()
    response = client.post(reverse("account_signup"), signup_data())

    required = re.findall(r"<input\b[^>]*\brequired\b[^>]*name=\"([^\"]+)\"", html)
    required += re.findall(r"<input\b[^>]*name=\"([^\"]+)\"[^>]*\brequired\b", html)
    assert sorted(set(required)) == ["email", "first_name", "last_name", "password1", "password2"]
    assert visible_field_names(html)[-1] == "marketing_topics"
    assert response.status_code == 302
    assert Member.objects.filter(email=CHLOE).exists()
