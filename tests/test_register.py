"""The processing register (GDPR Art. 30) is generated from the inventory, for staff only."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from petite.accounts.models import Member
from petite.privacy.purposes import PURPOSES
from petite.privacy.registry import declarations
from petite.privacy.ropa import render_register


@pytest.mark.clause("SEC1")
@pytest.mark.django_db
def test_visitors_are_refused_the_register(client: Client) -> None:
    response = client.get(reverse("privacy:register"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.clause("SEC1")
def test_members_who_are_not_staff_are_refused_the_register(client: Client, alice: Member) -> None:
    client.force_login(alice)

    response = client.get(reverse("privacy:register"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.clause("SEC1")
def test_staff_read_every_purpose_and_every_declared_record(staff_client: Client) -> None:
    response = staff_client.get(reverse("privacy:register"))

    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    for purpose in PURPOSES.values():
        assert f"{purpose.id}: {purpose.name}" in text
    for declaration in declarations():
        assert declaration.label in text


def test_the_register_gives_fields_categories_and_erasure_strategies() -> None:
    text = render_register("en")

    assert "| `first_name` first name | Identity | P1, P4 | delete the row |" in text
    assert "**Legal basis**: our legitimate interest (GDPR Art. 6(1)(f))" in text
    assert "encryption at rest of `portraits.Portrait.street`" in text


def test_the_register_names_a_record_whose_retention_differs_from_its_purpose() -> None:
    text = render_register("en")
    p4 = text[text.index("### P4:") : text.index("### P5:")]

    assert "`accounts.ConnectionEvent`: 12 months (365 days), then deleted" in p4


def test_the_register_is_translated() -> None:
    assert render_register("fr").startswith("# Registre des activités de traitement")


@pytest.mark.clause("SEC1")
def test_staff_without_two_factor_authentication_are_sent_to_set_it_up(
    client: Client, staff: Member
) -> None:
    client.force_login(staff)

    response = client.get(reverse("privacy:register"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
