"""Finding 3 of issue 11 (second half): about 300 reset e-mails an hour could be sent to
one address. Reset e-mails are now limited per address (3 an hour, 5 a day) and per IP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone


def ask_reset(email: str, ip: str) -> None:
    Client(REMOTE_ADDR=ip).post(reverse("account_reset_password"), {"email": email})


@pytest.mark.clause("P8")
def test_sign_up_enumeration_reset_e_mails_are_limited_per_address(alice):
    for n in range(10):
        ask_reset(alice.email, f"198.51.100.{n + 1}")

    assert len([m for m in mail.outbox if m.to == [alice.email]]) == 3


@pytest.mark.clause("P8")
def test_sign_up_enumeration_reset_e_mails_are_limited_per_day(alice):
    start = timezone.now()
    for hour in range(4):
        with time_machine.travel(start + timedelta(hours=hour, minutes=1), tick=False):
            for n in range(3):
                ask_reset(alice.email, f"198.51.100.{hour * 3 + n + 1}")

    assert len([m for m in mail.outbox if m.to == [alice.email]]) == 5
