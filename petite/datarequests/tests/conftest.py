"""Fixtures of the desk's tests: Mailgun's signing key, a quarantine folder, a member
who has just confirmed their password."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

SIGNING_KEY = "key-for-tests-only-0123456789abcdef"


@pytest.fixture(autouse=True)
def _desk_settings(settings: Any, tmp_path: Path) -> None:
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.PETITE_DATA_REQUEST_QUARANTINE_DIR = tmp_path / "quarantine"
    settings.SITE_URL = "https://petite.example"


@pytest.fixture
def quarantine_dir(settings: Any, clamd: Any) -> Path:
    # What is kept in quarantine is scanned for malware first: a real clamd.
    return Path(settings.PETITE_DATA_REQUEST_QUARANTINE_DIR)


@pytest.fixture
def alice_client(alice: Any, password: str) -> Client:
    """Alice, signed in, who has just confirmed her password (allauth's reauthentication)."""
    client = Client()
    client.force_login(alice)
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302
    return client
