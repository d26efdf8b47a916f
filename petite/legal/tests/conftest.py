"""Fixtures of the legal tests: a request from a French court, a clock to travel with."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from petite.accounts.models import Member
from petite.legal import actions
from petite.legal.models import AuthorityRequest

DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _legal_settings(settings: Any) -> None:
    settings.SITE_URL = "https://petite.example"
    settings.PETITE_TRANSFER_NOTICE_DAYS = 30
    settings.PETITE_BULKMAIL_BATCH_SIZE = 2


def at(moment: datetime) -> Any:
    return time_machine.travel(moment, tick=False)


def court_request(
    staff: Member,
    *members: Member,
    country: str = "FR",
    categories: tuple[str, ...] = ("connection", "identity"),
    since: datetime | None = None,
    until: datetime | None = None,
    gag_review_at: datetime | None = None,
) -> AuthorityRequest:
    return actions.record_request(
        actor=staff,
        requester="Tribunal judiciaire de Paris",
        authority_type=AuthorityRequest.AuthorityType.COURT,
        country=country,
        instrument="Ordonnance 2026/123",
        legal_basis="Code de procédure pénale, art. 60-1",
        received_on=date.today(),
        identifiers=[m.email for m in members],
        categories=list(categories),
        since=since,
        until=until,
        gag_review_at=gag_review_at,
    )


def take(token: str, client: Client | None = None) -> Any:
    return (client or Client()).get(reverse("legal_machine:download", args=[token]))


def archives(content: bytes) -> dict[str, dict[str, Any]]:
    """Each member's data.json inside a package, by file name."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(content)) as bundle:
        for name in bundle.namelist():
            with zipfile.ZipFile(io.BytesIO(bundle.read(name))) as inner:
                found[name] = json.loads(inner.read("data.json"))
    return found
