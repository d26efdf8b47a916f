"""Suspicious sign-in alerts and "This wasn't me" (P8)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member
from petite.core.models import AuditEvent
from petite.privacy import stores
from petite.security import devices, risk
from petite.security.models import Incident, SignInAlert

pytestmark = pytest.mark.clause("P8")

FRANCE = "90.0.0.1"
FRANCE_OTHER_NETWORK = "90.1.0.1"  # same country, another /16
USA = "8.8.8.8"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def sign_in(client: Client, member: Member, password: str, ip: str = FRANCE) -> None:
    if SESSION_KEY in client.session:  # signed in already: sign out, keeping the cookies
        client.post(reverse("account_logout"), REMOTE_ADDR=ip)
    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": password},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=FIREFOX,
    )
    assert response.status_code == 302, response.content[:500]


def alerts_mailed() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if "Unusual sign-in" in m.subject]


def test_no_alert_on_the_first_sign_in(alice: Member, password: str) -> None:
    sign_in(Client(), alice, password)
    assert not SignInAlert.objects.exists()
    assert alerts_mailed() == []


def test_a_new_network_from_a_new_device_alerts_once_a_day(alice: Member, password: str) -> None:
    sign_in(Client(), alice, password, FRANCE)
    stranger = Client()

    sign_in(stranger, alice, password, FRANCE_OTHER_NETWORK)
    # The same device again, now from another country: unusual too, but one a day.
    sign_in(stranger, alice, password, USA)

    (alert,) = SignInAlert.objects.all()
    assert alert.reasons == ["new_device", "new_network"]
    (message,) = alerts_mailed()
    assert message.to == [alice.email]
    body = str(message.body)
    assert "France" in body
    assert "Firefox on Linux" in body
    assert str(timezone.localtime(alert.created_at).year) in body
    # One link only, and it is the "This wasn't me" link, which signs nobody in.
    links = re.findall(r"https?://\S+", body)
    assert len(links) == 1
    assert "/security/not-me/" in links[0]
    html = message.alternatives[0][0]  # type: ignore[attr-defined]
    assert len(re.findall(r'href="', str(html))) == 1
    assert AuditEvent.objects.filter(action="security.sign_in_alerted").count() == 1


def test_the_same_device_on_a_cafe_network_raises_nothing(alice: Member, password: str) -> None:
    laptop = Client()
    sign_in(laptop, alice, password, FRANCE)
    sign_in(laptop, alice, password, FRANCE_OTHER_NETWORK)
    assert not SignInAlert.objects.exists()


def test_a_new_country_too_soon_is_impossible_travel(alice: Member, password: str) -> None:
    laptop = Client()
    sign_in(laptop, alice, password, FRANCE)
    sign_in(laptop, alice, password, USA)
    (alert,) = SignInAlert.objects.all()
    assert set(alert.reasons) >= {"new_country", "impossible_travel"}
    assert "new_device" not in alert.reasons


def test_travel_speed_uses_country_centroids() -> None:
    distance = risk.distance_km("FR", "US")
    assert distance is not None
    assert 7000 < distance < 9000
    now = timezone.now()
    assert risk.impossible_travel("US", now, "FR", now - timedelta(hours=2)) is not None
    assert risk.impossible_travel("US", now, "FR", now - timedelta(hours=12)) is None
    assert risk.network_of("90.12.34.56") == "90.12.0.0/16"
    assert risk.network_of("2001:db8:1:2:3::4") == "2001:db8:1:2::/64"


def test_the_device_cookie_is_signed_http_only_and_declared(alice: Member, password: str) -> None:
    client = Client()
    sign_in(client, alice, password)
    cookie = client.cookies[devices.COOKIE]
    assert cookie["httponly"]
    assert int(cookie["max-age"]) == 14 * 86400
    assert devices.COOKIE in stores.cookie_names()
    assert next(c for c in stores.cookies() if c.name == devices.COOKIE).consent is None


def test_a_correct_password_and_a_wrong_code_alerts(alice: Member, password: str) -> None:
    TOTP.activate(alice, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.post(
        reverse("account_login"),
        {"login": alice.email, "password": password},
        REMOTE_ADDR=FRANCE,
        HTTP_USER_AGENT=FIREFOX,
    )
    client.post(reverse("mfa_authenticate"), {"code": "000000"}, REMOTE_ADDR=FRANCE)
    client.post(reverse("mfa_authenticate"), {"code": "000001"}, REMOTE_ADDR=FRANCE)

    (alert,) = SignInAlert.objects.all()
    assert alert.reasons == ["second_factor"]
    (message,) = alerts_mailed()
    assert "wrong two-factor code" in message.body


def wasnt_me_link() -> str:
    (message,) = alerts_mailed()
    (link,) = re.findall(r"https?://\S+", str(message.body))
    return "/" + link.split("/", 3)[3]


def test_this_wasnt_me_works_signed_out_once_and_ends_every_session(
    alice: Member, password: str
) -> None:
    own = Client()
    sign_in(own, alice, password, FRANCE)
    sign_in(Client(), alice, password, FRANCE_OTHER_NETWORK)
    assert own.get(reverse("security:sign_in_alerts")).status_code == 200
    link = wasnt_me_link()

    anonymous = Client()
    page = anonymous.get(link)
    assert page.status_code == 200
    assert SignInAlert.objects.get().disowned_at is None  # opening the link changes nothing
    done = anonymous.post(link)

    assert done.status_code == 200
    assert SESSION_KEY not in anonymous.session  # nobody was signed in
    alice.refresh_from_db()
    assert not alice.has_usable_password()
    assert own.get(reverse("security:sign_in_alerts")).status_code == 302  # signed out
    incident = Incident.objects.get()
    assert incident.source == Incident.Source.MEMBER_REPORT
    assert incident.reported_by == alice
    assert incident.reference in done.content.decode()
    assert list(incident.affected.values_list("member", flat=True)) == [alice.pk]

    again = anonymous.post(link)
    assert again.status_code == 409
    assert Incident.objects.count() == 1


def test_a_forged_or_expired_link_is_refused(alice: Member, password: str) -> None:
    sign_in(Client(), alice, password, FRANCE)
    sign_in(Client(), alice, password, FRANCE_OTHER_NETWORK)
    link = wasnt_me_link()

    assert Client().post(link[:-3] + "xyz/").status_code == 400
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert Client().post(link).status_code == 400
    assert not Incident.objects.exists()


def test_the_alert_is_listed_on_the_members_page(alice: Member, password: str) -> None:
    own = Client()
    sign_in(own, alice, password, FRANCE)
    sign_in(Client(), alice, password, FRANCE_OTHER_NETWORK)
    page = own.get(reverse("security:sign_in_alerts")).content.decode()
    assert "a network not seen before" in page
    assert "Firefox on Linux" in page
