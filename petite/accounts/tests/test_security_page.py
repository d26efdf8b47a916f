"""The member's sign-in history and sessions: their own, and only their own (R1.2, SEC1)."""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from petite.accounts import actions
from petite.accounts.models import ConnectionEvent

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


def log(member, ip="90.0.0.1", succeeded=True):
    return actions.record_connection(
        member=member,
        succeeded=succeeded,
        method=ConnectionEvent.Method.PASSWORD,
        failure=None if succeeded else ConnectionEvent.Failure.CREDENTIALS,
        ip=ip,
        user_agent=CHROME_ON_WINDOWS,
    )


@pytest.mark.clause("R1.2")
def test_members_see_their_sign_ins_with_device_and_approximate_location(client, alice):
    log(alice)
    log(alice, succeeded=False)
    client.force_login(alice)

    response = client.get(reverse("accounts:security"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Chrome on Windows" in body
    assert "France" in body
    assert "Orange" in body
    assert "Wrong e-mail address or password" in body
    assert list(response.context["page_obj"]) == list(ConnectionEvent.objects.filter(member=alice))


@pytest.mark.clause("SEC1")
def test_a_member_never_sees_another_members_sign_ins(client, alice, bob):
    log(alice, ip="8.8.8.8")
    client.force_login(bob)

    response = client.get(reverse("accounts:security"))

    assert list(response.context["page_obj"]) == []
    assert "8.8.8.8" not in response.content.decode()


@pytest.mark.clause("SEC1")
def test_staff_see_only_their_own_sign_ins_on_this_page(client, alice, staff):
    log(alice, ip="8.8.8.8")
    own = log(staff)
    client.force_login(staff)

    response = client.get(reverse("accounts:security"))

    assert list(response.context["page_obj"]) == [own]


@pytest.mark.clause("SEC1")
def test_visitors_are_asked_to_sign_in(client, alice):
    log(alice)

    response = client.get(reverse("accounts:security"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_history_is_paginated(client, alice):
    for _ in range(25):
        log(alice)
    client.force_login(alice)

    first = client.get(reverse("accounts:security"))
    second = client.get(reverse("accounts:security"), {"page": 2})
    beyond = client.get(reverse("accounts:security"), {"page": "999<script>"})

    assert len(first.context["page_obj"]) == 20
    assert len(second.context["page_obj"]) == 5
    assert beyond.status_code == 200


def signed_in_twice(alice, password) -> tuple[Client, Client]:
    """Alice signed in on two devices, through allauth (so her sessions are tracked)."""
    devices = []
    for user_agent in (CHROME_ON_WINDOWS, "Mozilla/5.0 (iPhone) Safari/604.1"):
        device = Client(HTTP_USER_AGENT=user_agent)
        device.post(reverse("account_login"), {"login": alice.email, "password": password})
        device.get(reverse("accounts:security"))
        devices.append(device)
    return devices[0], devices[1]


@pytest.mark.clause("R1.2")
def test_members_see_their_active_sessions(alice, password):
    laptop, _phone = signed_in_twice(alice, password)

    response = laptop.get(reverse("accounts:security"))

    body = response.content.decode()
    assert len(response.context["sessions"]) == 2
    assert "Safari on iOS" in body
    assert "This device" in body


@pytest.mark.clause("SEC1")
def test_ending_the_other_sessions_asks_for_the_password_first(alice, password):
    laptop, _phone = signed_in_twice(alice, password)
    laptop.get(reverse("home"))

    response = laptop.post(reverse("accounts:sessions"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert UserSession.objects.filter(user=alice).count() == 2


@pytest.mark.clause("SEC1")
def test_after_confirming_the_password_the_other_sessions_end(alice, password):
    laptop, phone = signed_in_twice(alice, password)
    laptop.post(reverse("accounts:sessions"))

    response = laptop.post(
        reverse("account_reauthenticate") + "?next=" + reverse("accounts:sessions"),
        {"password": password},
    )

    assert response.status_code == 302
    assert UserSession.objects.filter(user=alice).count() == 1
    assert phone.get(reverse("accounts:security")).status_code == 302  # signed out
    assert laptop.get(reverse("accounts:security")).status_code == 200
    assert Session.objects.count() == 1


def test_the_sessions_page_uses_the_site_layout(alice, password):
    laptop, _phone = signed_in_twice(alice, password)

    response = laptop.get(reverse("accounts:sessions"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in body
    assert f'action="{reverse("accounts:sessions")}"' in body
