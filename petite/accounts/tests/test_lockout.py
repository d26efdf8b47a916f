"""Finding 2 of issue 11, "lockout as a weapon" (P8, ASVS 2.2.1): five wrong passwords
for someone else's address, from anywhere, locked the owner out. Failures now count per
(address, network) and per network (IPv6 by /64), and only ever delay."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts import throttle
from petite.accounts.models import ConnectionEvent

WRONG = "not the password, again"
OWNER_IP = "90.0.0.1"
ATTACKER_IP = "203.0.113.7"


def attempt(ip: str, email: str, password: str) -> tuple[Client, object]:
    device = Client(REMOTE_ADDR=ip)
    response = device.post(reverse("account_login"), {"login": email, "password": password})
    return device, response


def signed_in(device: Client) -> bool:
    return "_auth_user_id" in device.session


@pytest.mark.clause("P8", "SEC1")
def test_lockout_as_a_weapon_an_attacker_from_another_ip_cannot_lock_the_owner_out(alice, password):
    for _ in range(50):
        attempt(ATTACKER_IP, alice.email, WRONG)

    device, response = attempt(OWNER_IP, alice.email, password)

    assert response.status_code == 302  # type: ignore[attr-defined]
    assert signed_in(device)


@pytest.mark.clause("P8")
def test_lockout_as_a_weapon_the_attacker_is_slowed_even_with_the_right_password(alice, password):
    for _ in range(5):
        attempt(ATTACKER_IP, alice.email, WRONG)

    device, response = attempt(ATTACKER_IP, alice.email, password)

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "Too many failed attempts: please wait 1 second" in response.text  # type: ignore[attr-defined]
    assert not signed_in(device)
    last = ConnectionEvent.objects.filter(member=alice).first()
    assert last is not None
    assert last.failure == ConnectionEvent.Failure.RATE_LIMITED


@pytest.mark.clause("P8")
def test_lockout_as_a_weapon_ipv6_addresses_of_one_64_count_together(alice, password):
    for n in range(1, 6):
        attempt(f"2001:db8:1:2::{n:x}", alice.email, WRONG)

    device, _response = attempt("2001:db8:1:2::beef", alice.email, password)
    elsewhere, _ = attempt("2001:db8:1:3::1", alice.email, password)

    assert not signed_in(device)
    assert signed_in(elsewhere)


@pytest.mark.clause("P8")
def test_lockout_as_a_weapon_the_owners_network_is_delayed_never_locked(alice, password):
    # 5 failures are free; the 6th and following double the wait: 1, 2, 4, 8 s.
    start = timezone.now()
    for n in range(9):
        with time_machine.travel(start + timedelta(minutes=n), tick=False):
            attempt(OWNER_IP, alice.email, WRONG)
    start += timedelta(minutes=8)

    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        refused, _ = attempt(OWNER_IP, alice.email, password)
    with time_machine.travel(start + timedelta(seconds=17), tick=False):
        device, _response = attempt(OWNER_IP, alice.email, password)

    assert not signed_in(refused)
    assert signed_in(device)


@pytest.mark.clause("P8")
def test_lockout_as_a_weapon_one_network_guessing_many_accounts_is_slowed(alice, bob, password):
    for n in range(30):
        attempt(ATTACKER_IP, f"someone{n}@example.org", WRONG)

    device, _ = attempt(ATTACKER_IP, bob.email, password)
    owner, _ = attempt(OWNER_IP, bob.email, password)

    assert not signed_in(device)
    assert signed_in(owner)


def test_lockout_as_a_weapon_the_delay_doubles_up_to_its_ceiling(settings):
    settings.PETITE_SIGNIN_MAX_DELAY_SECONDS = 900
    delays = [throttle.delay_after(n, 5) for n in (4, 5, 6, 7, 14, 15, 40)]

    assert delays == [0, 1, 2, 4, 512, 900, 900]


def test_lockout_as_a_weapon_networks_are_addresses_or_ipv6_64s():
    assert throttle.network("90.0.0.1") == "90.0.0.1"
    assert throttle.network("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert throttle.network("::ffff:90.0.0.1") == "90.0.0.1"
