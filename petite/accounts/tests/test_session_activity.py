"""The sessions list knows each session's last activity without a write per request (R1.2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member


@pytest.fixture
def signed_in(alice: Member, password: str) -> Client:
    client = Client(REMOTE_ADDR="90.0.0.1", HTTP_USER_AGENT="Firefox")
    client.post(reverse("account_login"), {"login": alice.email, "password": password})
    return client


@pytest.mark.clause("R1.2")
def test_activity_is_written_at_most_once_a_minute(signed_in: Client) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        signed_in.get(reverse("home"))
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        signed_in.get(reverse("home"))
    assert UserSession.objects.get().last_seen_at == start

    with time_machine.travel(start + timedelta(seconds=90), tick=False):
        signed_in.get(reverse("home"))
    assert UserSession.objects.get().last_seen_at == start + timedelta(seconds=90)


@pytest.mark.clause("R1.2")
def test_a_new_address_or_browser_is_recorded_at_once(signed_in: Client) -> None:
    signed_in.get(reverse("home"))

    signed_in.get(reverse("home"), REMOTE_ADDR="8.8.8.8", HTTP_USER_AGENT="Chromium")

    session = UserSession.objects.get()
    assert (session.ip, session.user_agent) == ("8.8.8.8", "Chromium")
