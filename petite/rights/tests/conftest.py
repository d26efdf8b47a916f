"""Fixtures for the rights tests: archives in a temporary folder, and a member with
something in every kind of record the platform keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from petite.accounts import actions as accounts_actions
from petite.accounts.models import ConnectionEvent, Member, UsageCount
from petite.contact.models import ContactMessage
from petite.core import audit
from petite.portraits.models import Portrait
from petite.portraits.tests.factories import PortraitFactory

STREET = "12 rue des Lilas"
POSTCODE = "75011"
CITY = "Montreuil"
MESSAGE = "Could you tell me what you keep about me?"


@pytest.fixture(autouse=True)
def export_dir(settings: Any, tmp_path: Path) -> Path:
    directory = tmp_path / "exports"
    settings.PETITE_EXPORT_DIR = directory
    return directory


def sign_in(member: Member, password: str) -> Client:
    """A client signed in through the real form (a session, a connection log row)."""
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0")
    response = client.post(reverse("account_login"), {"login": member.email, "password": password})
    assert response.status_code == 302
    return client


def reauthenticate(client: Client, password: str, next_url: str) -> Any:
    return client.post(
        reverse("account_reauthenticate") + "?next=" + next_url, {"password": password}
    )


@pytest.fixture
def full_member(alice: Member, password: str) -> Member:
    """Alice, with a record in every model the platform declares for members."""
    sign_in(alice, password)  # a UserSession, a ConnectionEvent, last_login
    alice.language = "en"
    alice.save(update_fields=["language"])
    TOTP.activate(alice, generate_totp_secret())
    RecoveryCodes.activate(alice)
    accounts_actions.record_connection(
        member=alice,
        succeeded=False,
        method=ConnectionEvent.Method.PASSWORD,
        failure=ConnectionEvent.Failure.CREDENTIALS,
        ip="90.0.0.1",
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1",
    )
    UsageCount.objects.create(member=alice, day="2026-11-24", area="portraits", count=3)
    PortraitFactory.create(
        member=alice,
        display_name="Alice M.",
        street=STREET,
        postcode=POSTCODE,
        city=CITY,
        country="FR",
    )
    ContactMessage.objects.create(
        member=alice,
        name="Alice Martin",
        email=alice.email,
        subject="My data",
        message=MESSAGE,
        language="en",
    )
    audit.record("tests.something_happened", actor=alice)
    assert UserSession.objects.filter(user=alice).exists()
    assert Portrait.objects.filter(member=alice).exists()
    alice.refresh_from_db()
    return alice
