"""Finding 1 of issue 11, "account takeover with a borrowed session" (ASVS 2.2.3, 3.7.1):
every sensitive change asks for the password again, the old address and the member are
told, and each notice's "this wasn't me" link ends every session of the account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member
from petite.accounts.tests.factories import address, signed_in
from petite.core.models import AuditEvent

REAUTHENTICATE = reverse("account_reauthenticate")
NEW_PASSWORD = "a brand new and long passphrase"


def device_of(member: Member, password: str) -> Client:
    """A browser where ``member`` has signed in and just confirmed their password."""
    device = Client()
    response = device.post(reverse("account_login"), {"login": member.email, "password": password})
    assert response.status_code == 302
    response = device.post(REAUTHENTICATE, {"password": password})
    assert response.status_code == 302
    return device


def borrowed(member: Member) -> Client:
    """A session someone else is using: signed in, but nobody typed the password lately."""
    return signed_in(member)


def not_me_link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://\S+/not-me/\S+/", str(message.body))
    assert found, message.body
    return found.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def change_email(device: Client, member: Member, new: str) -> None:
    """Add ``new`` and confirm it from the link sent to it (allauth's change of address)."""
    response = device.post(reverse("account_email"), {"email": new, "action_add": ""})
    assert response.status_code == 302, response
    added = EmailAddress.objects.get(user=member, email=new)
    key = EmailConfirmationHMAC(added).key
    response = device.post(reverse("account_confirm_email", args=[key]))
    assert response.status_code == 302


# --- Reauthentication -------------------------------------------------------------------


@pytest.mark.clause("SEC1")
def test_account_takeover_adding_an_email_address_asks_for_the_password(alice):
    response = borrowed(alice).post(
        reverse("account_email"), {"email": address("mallory"), "action_add": ""}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert not EmailAddress.objects.filter(email=address("mallory")).exists()


@pytest.mark.clause("SEC1")
def test_account_takeover_removing_a_verified_address_asks_for_the_password(alice):
    EmailAddress.objects.create(user=alice, email=address("alice2"), verified=True)

    response = borrowed(alice).post(
        reverse("account_email"), {"email": address("alice2"), "action_remove": ""}
    )

    assert response["Location"].startswith(REAUTHENTICATE)
    assert EmailAddress.objects.filter(email=address("alice2")).exists()


@pytest.mark.clause("SEC1")
def test_account_takeover_changing_the_password_asks_for_the_password_first(alice, password):
    device = borrowed(alice)

    page = device.get(reverse("account_change_password"))
    response = device.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert page["Location"].startswith(REAUTHENTICATE)
    assert response["Location"].startswith(REAUTHENTICATE)
    alice.refresh_from_db()
    assert alice.check_password(password)


@pytest.mark.clause("SEC1")
def test_account_takeover_turning_two_factor_off_asks_for_the_password(alice):
    TOTP.activate(alice, generate_totp_secret())

    response = borrowed(alice).post(reverse("mfa_deactivate_totp"))

    assert response["Location"].startswith(REAUTHENTICATE)
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.TOTP).exists()


@pytest.mark.clause("SEC1")
def test_account_takeover_a_confirmed_password_allows_the_change(alice, password):
    device = device_of(alice, password)

    response = device.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not response["Location"].startswith(REAUTHENTICATE), response["Location"]
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


# --- Notices ------------------------------------------------------------------------------


@pytest.mark.clause("SEC1")
def test_account_takeover_an_e_mail_change_is_told_to_the_old_address(alice, password):
    old = alice.email
    device = device_of(alice, password)
    mail.outbox.clear()

    change_email(device, alice, address("alice.new"))

    notices = [m for m in mail.outbox if m.to == [old]]
    assert len(notices) == 1
    assert "e-mail address of your account has just been changed" in notices[0].body
    assert "/not-me/email_changed/" in notices[0].body
    html = notices[0].alternatives[0].content  # type: ignore[attr-defined]
    assert "/not-me/email_changed/" in str(html)
    assert EmailAddress.objects.get(user=alice).email == address("alice.new")


@pytest.mark.clause("SEC1")
def test_account_takeover_a_password_change_is_told_to_the_member(alice, password):
    device = device_of(alice, password)
    mail.outbox.clear()

    device.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    [notice] = mail.outbox
    assert notice.to == [alice.email]
    assert "password of your account has just been changed" in notice.body
    assert "/not-me/password_changed/" in notice.body


@pytest.mark.clause("SEC1")
def test_account_takeover_the_notice_is_in_french_for_a_french_member(alice, password):
    device = device_of(alice, password)
    mail.outbox.clear()

    device.post(
        "/fr" + reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    [notice] = mail.outbox
    assert "Le mot de passe de votre compte vient d\u2019être changé." in notice.body
    assert "/fr/account/not-me/password_changed/" in notice.body


# --- "This wasn't me" ---------------------------------------------------------------------


def _notice_after_password_change(member: Member, password: str) -> tuple[Client, str]:
    device = device_of(member, password)
    mail.outbox.clear()
    device.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    [notice] = mail.outbox
    return device, not_me_link(notice)


@pytest.mark.clause("SEC1")
def test_account_takeover_this_was_not_me_ends_every_session_and_needs_a_reset(alice, password):
    intruder, link = _notice_after_password_change(alice, password)
    other = device_of(alice, NEW_PASSWORD)
    owner = Client()  # signed out: the owner reads the notice anywhere

    page = owner.get(link)
    assert page.status_code == 200
    assert intruder.get(reverse("accounts:security")).status_code == 200  # opening acts on nothing

    done = owner.post(link)

    assert done.status_code == 200
    assert "Everyone is signed out of your account" in done.text
    for device in (intruder, other):
        response = device.get(reverse("accounts:security"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    alice.refresh_from_db()
    assert not alice.has_usable_password()
    event = AuditEvent.objects.get(action="accounts.not_me_reported")
    assert event.target_id == str(alice.pk)
    assert event.data["change"] == "password_changed"


@pytest.mark.clause("SEC1")
def test_account_takeover_the_not_me_link_works_once(alice, password):
    _intruder, link = _notice_after_password_change(alice, password)
    Client().post(link)

    again = Client().post(link)
    shown = Client().get(link)

    assert again.status_code == 410
    assert shown.status_code == 410
    assert AuditEvent.objects.filter(action="accounts.not_me_reported").count() == 1


@pytest.mark.clause("SEC1")
def test_account_takeover_the_not_me_link_expires(alice, password, settings):
    settings.PETITE_NOT_ME_LINK_DAYS = 14
    _intruder, link = _notice_after_password_change(alice, password)

    with time_machine.travel(timezone.now() + timedelta(days=15), tick=False):
        response = Client().post(link)

    assert response.status_code == 410
    alice.refresh_from_db()
    assert alice.has_usable_password()


@pytest.mark.clause("SEC1")
def test_account_takeover_a_forged_or_misused_link_is_refused(alice, password):
    _intruder, link = _notice_after_password_change(alice, password)

    forged = Client().post(link[:-3] + "xx/")
    other_purpose = Client().post(link.replace("password_changed", "email_changed"))
    unknown = Client().post(link.replace("password_changed", "anything"))

    assert [forged.status_code, other_purpose.status_code, unknown.status_code] == [404, 404, 404]
    alice.refresh_from_db()
    assert alice.has_usable_password()
