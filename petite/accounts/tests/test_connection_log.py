"""Every sign-in attempt leaves a row in the connection log, with its location (R1.2)."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import ConnectionEvent
from petite.accounts.tests.factories import MemberFactory

from .factories import address

FRANCE = "90.0.0.1"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def sign_in(client, email, password, remote_addr=FRANCE, **extra):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=remote_addr,
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        **extra,
    )


@pytest.mark.clause("R1.2")
@pytest.mark.clause("P4")
def test_a_successful_sign_in_is_logged_with_its_country(client, alice, password):
    response = sign_in(client, alice.email, password)

    assert response.status_code == 302
    event = ConnectionEvent.objects.get()
    assert event.member == alice
    assert event.succeeded
    assert event.method == ConnectionEvent.Method.PASSWORD
    assert event.ip == FRANCE
    assert event.country_code == "FR"
    assert event.network_name
    assert "Firefox" in event.user_agent


@pytest.mark.clause("R1.2")
@pytest.mark.clause("P8")
def test_a_failed_sign_in_is_logged_in_the_members_history(client, alice):
    response = sign_in(client, alice.email, "not the right password")

    assert response.status_code == 200
    event = ConnectionEvent.objects.get()
    assert event.member == alice
    assert not event.succeeded
    assert event.failure == ConnectionEvent.Failure.CREDENTIALS
    assert event.country_code == "FR"


@pytest.mark.clause("R1.2")
def test_a_failed_sign_in_for_an_unknown_address_keeps_no_trace_of_the_address(client, db):
    stranger = address("stranger")

    sign_in(client, stranger, "whatever it may be")

    event = ConnectionEvent.objects.get()
    assert event.member is None
    stored = [str(getattr(event, f.attname)) for f in ConnectionEvent._meta.concrete_fields]
    assert not any("stranger" in value for value in stored)


@pytest.mark.clause("R1.2")
@pytest.mark.clause("P4")
def test_the_right_password_for_an_unverified_address_is_logged_as_a_failure(client, db):
    member = MemberFactory(verified=False)

    sign_in(client, member.email, "correct horse battery staple")

    event = ConnectionEvent.objects.get()
    assert (event.member, event.succeeded) == (member, False)
    assert event.failure == ConnectionEvent.Failure.UNVERIFIED


def totp_code(offset: int = 0) -> str:
    counter = int(timezone.now().timestamp()) // 30 + offset
    return format_hotp_value(hotp_value(SECRET, counter))


@pytest.mark.clause("R1.2")
@pytest.mark.clause("P4")
def test_a_sign_in_with_two_factor_code_is_logged_as_such(client, alice, password):
    TOTP.activate(alice, SECRET)
    sign_in(client, alice.email, password)
    assert not ConnectionEvent.objects.exists()  # the password alone does not sign in

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()}, REMOTE_ADDR=FRANCE)

    assert response.status_code == 302
    event = ConnectionEvent.objects.get()
    assert (event.member, event.succeeded, event.method) == (
        alice,
        True,
        ConnectionEvent.Method.MFA,
    )


@pytest.mark.clause("R1.2")
@pytest.mark.clause("P8")
def test_a_wrong_two_factor_code_is_logged_as_a_failure(client, alice, password):
    TOTP.activate(alice, SECRET)
    sign_in(client, alice.email, password)

    client.post(reverse("mfa_authenticate"), {"code": "000000"}, REMOTE_ADDR=FRANCE)

    event = ConnectionEvent.objects.get()
    assert (event.member, event.succeeded, event.method, event.failure) == (
        alice,
        False,
        ConnectionEvent.Method.MFA,
        ConnectionEvent.Failure.MFA_CODE,
    )


@pytest.mark.clause("R1.2")
@pytest.mark.clause("SEC1")
def test_a_forged_forwarded_for_header_is_ignored_without_trusted_proxies(
    client, alice, password, settings
):
    settings.PETITE_TRUSTED_PROXY_COUNT = 0

    sign_in(client, alice.email, password, remote_addr=FRANCE, HTTP_X_FORWARDED_FOR="8.8.8.8")

    event = ConnectionEvent.objects.get()
    assert (event.ip, event.country_code) == (FRANCE, "FR")


@pytest.mark.clause("R1.2")
def test_the_forwarded_for_header_is_honoured_behind_one_trusted_proxy(
    client, alice, password, settings
):
    settings.PETITE_TRUSTED_PROXY_COUNT = 1

    sign_in(
        client,
        alice.email,
        password,
        remote_addr="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"1.2.3.4, {FRANCE}",
    )

    event = ConnectionEvent.objects.get()
    assert (event.ip, event.country_code) == (FRANCE, "FR")


@pytest.mark.clause("SEC1")
def test_a_malformed_forwarded_for_header_falls_back_to_the_peer(client, alice, password, settings):
    settings.PETITE_TRUSTED_PROXY_COUNT = 1

    response = sign_in(
        client, alice.email, password, remote_addr=FRANCE, HTTP_X_FORWARDED_FOR="<script>"
    )

    assert response.status_code == 302
    assert ConnectionEvent.objects.get().ip == FRANCE


@pytest.mark.clause("R1.2")
def test_a_private_address_has_an_unknown_location(client, alice, password):
    sign_in(client, alice.email, password, remote_addr="192.168.1.20")

    event = ConnectionEvent.objects.get()
    assert (event.country_code, event.country_name, event.network_name) == ("", "", "")


@pytest.mark.clause("R1.2")
def test_a_very_long_user_agent_is_cut_to_512_characters(client, alice, password):
    client.post(
        reverse("account_login"),
        {"login": alice.email, "password": password},
        REMOTE_ADDR=FRANCE,
        HTTP_USER_AGENT="A" * 5000,
    )

    assert len(ConnectionEvent.objects.get().user_agent) == 512


# Lockout and delays: test_lockout.py (axes no longer locks anyone out).


@pytest.mark.clause("P8")
def test_an_attempt_refused_by_the_rate_limit_is_logged(client, alice, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "2/5m/key"}
    for _ in range(2):
        sign_in(client, alice.email, "wrong password, again")

    response = sign_in(client, alice.email, "wrong password, again")

    assert response.status_code == 200
    last = ConnectionEvent.objects.filter(member=alice).first()
    assert last is not None
    assert last.failure == ConnectionEvent.Failure.RATE_LIMITED


@pytest.mark.clause("P4")
def test_a_failed_password_confirmation_is_logged_as_a_reauthentication(client, alice):
    client.force_login(alice)

    client.post(reverse("account_reauthenticate"), {"password": "not my password at all"})

    event = ConnectionEvent.objects.get()
    assert (event.member, event.method, event.failure) == (
        alice,
        ConnectionEvent.Method.REAUTHENTICATION,
        ConnectionEvent.Failure.CREDENTIALS,
    )
