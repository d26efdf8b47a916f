"""Expired sessions do not outlive their two weeks (R1.2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member
from petite.accounts.tasks import clear_expired_sessions


@pytest.mark.clause("R1.2")
def test_expired_sessions_and_their_list_rows_are_deleted(alice: Member, password: str) -> None:
    client = Client()
    client.post(reverse("account_login"), {"login": alice.email, "password": password})
    assert Session.objects.count() == 1
    assert UserSession.objects.filter(user=alice).count() == 1

    with time_machine.travel(timezone.now() + timedelta(days=15)):
        removed = clear_expired_sessions.call()

    assert removed == 1
    assert not Session.objects.exists()
    assert not UserSession.objects.exists()


@pytest.mark.clause("R1.2")
def test_live_sessions_are_kept(alice: Member, password: str) -> None:
    client = Client()
    client.post(reverse("account_login"), {"login": alice.email, "password": password})

    clear_expired_sessions.call()

    assert Session.objects.count() == 1
    assert UserSession.objects.filter(user=alice).count() == 1
