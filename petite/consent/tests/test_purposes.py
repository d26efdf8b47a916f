"""Audience measurement (P2) and ad personalisation (P7) stop without consent."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member, UsageCount
from petite.consent import actions, selectors, snippets
from petite.consent.models import ConsentRecord
from petite.privacy import consent, purposes

from .conftest import TRACKER_COOKIE, post_choice
from .factories import give_consent

pytestmark = pytest.mark.django_db


def usage(member: Member, area: str = "home") -> int:
    """Pages counted for the member in ``area``. (The page that records a choice counts
    under "consent" when the choice accepts: consent holds from the moment it is given.)"""
    return sum(UsageCount.objects.filter(member=member, area=area).values_list("count", flat=True))


def a_request(client: Client, *, gpc: bool = False) -> HttpRequest:
    """A request carrying the client's cookies (and Sec-GPC: 1), as the next page view would."""
    request = RequestFactory().get("/", headers={"Sec-GPC": "1"} if gpc else {})
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return request


@pytest.fixture
def alices_browser(alice: Member) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.mark.clause("P2")
def test_usage_is_counted_only_once_audience_measurement_is_accepted(
    alices_browser: Client, alice: Member
) -> None:
    alices_browser.get(reverse("home"))
    assert usage(alice) == 0  # before any choice

    post_choice(alices_browser, "refuse_all")
    alices_browser.get(reverse("home"))
    assert usage(alice) == 0  # refused

    post_choice(alices_browser, "choose", ads="on")
    alices_browser.get(reverse("home"))
    assert usage(alice) == 0  # ads accepted, audience not

    post_choice(alices_browser, "accept_all")
    alices_browser.get(reverse("home"))
    alices_browser.get(reverse("home"))
    assert usage(alice) == 2
    assert usage(alice, "consent") == 1  # the accepting page itself


@pytest.mark.clause("P2")
def test_usage_counting_stops_when_consent_is_withdrawn(
    alices_browser: Client, alice: Member
) -> None:
    post_choice(alices_browser, "accept_all")
    alices_browser.get(reverse("home"))
    assert usage(alice) == 1

    post_choice(alices_browser, "choose", audience="")  # switch turned off and saved
    alices_browser.get(reverse("home"))
    alices_browser.get(reverse("accounts:security"))

    assert usage(alice) == 1
    assert usage(alice, "account") == 0
    assert usage(alice, "consent") == 1  # the withdrawal itself is not counted


@pytest.mark.clause("P2")
def test_usage_counting_stops_when_the_choice_expires(
    alices_browser: Client, alice: Member
) -> None:
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        post_choice(alices_browser, "accept_all")
    with time_machine.travel(now + dt.timedelta(days=183), tick=False):
        alices_browser.get(reverse("home"))

    assert usage(alice) == 0


@pytest.mark.clause("P2")
def test_a_choice_from_another_browser_does_not_hold_here(
    alices_browser: Client, alice: Member
) -> None:
    phone = Client()
    phone.force_login(alice)
    post_choice(phone, "accept_all")

    alices_browser.get(reverse("home"))  # this browser has not chosen

    assert usage(alice) == 0


@pytest.mark.clause("P7")
def test_ads_are_personalised_only_with_consent_and_never_with_gpc(visitor: Client) -> None:
    assert selectors.ads_personalisation_allowed(a_request(visitor)) is False  # no choice

    post_choice(visitor, "accept_all")
    assert selectors.ads_personalisation_allowed(a_request(visitor)) is True
    # Global Privacy Control refuses, whatever the stored choice says.
    assert selectors.ads_personalisation_allowed(a_request(visitor, gpc=True)) is False
    assert consent.given(purposes.P7, request=a_request(visitor, gpc=True)) is False
    # Audience measurement is not advertising: GPC leaves it as chosen.
    assert consent.given(purposes.P2, request=a_request(visitor, gpc=True)) is True

    post_choice(visitor, "choose", audience="on")  # ads withdrawn
    assert selectors.ads_personalisation_allowed(a_request(visitor)) is False

    post_choice(visitor, "refuse_all")
    assert consent.given(purposes.P7, request=a_request(visitor)) is False
    assert consent.given(purposes.P2, request=a_request(visitor)) is False


@pytest.mark.clause("P2")
@pytest.mark.clause("P7")
def test_work_without_a_request_asks_the_members_latest_choice(alice: Member) -> None:
    assert consent.given(purposes.P2, member=alice) is False

    actions.record_choice(
        visitor_id="a" * 32,
        consents={"audience": True, "ads": True},
        action=ConsentRecord.Action.ACCEPT_ALL,
        member=alice,
    )
    assert consent.given(purposes.P2, member=alice) is True
    assert consent.given(purposes.P7, member=alice) is True

    actions.record_choice(
        visitor_id="a" * 32,
        consents={"audience": False, "ads": True},
        action=ConsentRecord.Action.CHOOSE,
        member=alice,
        global_privacy_control=True,
    )
    assert consent.given(purposes.P2, member=alice) is False
    assert consent.given(purposes.P7, member=alice) is False  # GPC was on when chosen

    with time_machine.travel(timezone.now() + dt.timedelta(days=183)):
        actions_made = ConsentRecord.objects.filter(member=alice).count()
        assert actions_made == 2
        assert consent.given(purposes.P7, member=alice) is False  # too old to hold


@pytest.mark.clause("R1.5")
@pytest.mark.clause("P7")
def test_a_consent_gated_script_is_in_the_page_only_with_consent(
    visitor: Client, ad_snippet: str
) -> None:
    marker = 'id="consent-test-tracker"'
    assert marker not in visitor.get("/").content.decode()  # before any choice

    post_choice(visitor, "refuse_all")
    assert marker not in visitor.get("/").content.decode()

    post_choice(visitor, "accept_all")
    html = visitor.get("/").content.decode()
    assert marker in html
    assert 'nonce="' in html.split(marker)[0].rsplit("<script", 1)[1]  # CSP still holds

    visitor.cookies[TRACKER_COOKIE] = "1"  # what the script set in a real browser
    response = post_choice(visitor, "choose", audience="on")  # ads withdrawn
    assert marker not in visitor.get("/").content.decode()
    assert response.cookies[TRACKER_COOKIE]["max-age"] == 0  # and its cookie is deleted


@pytest.mark.clause("P7")
def test_sec_gpc_disables_ad_personalisation_on_real_requests(
    visitor: Client, ad_snippet: str
) -> None:
    marker = 'id="consent-test-tracker"'
    give_consent(visitor, audience=True, ads=True)

    assert marker in visitor.get("/").content.decode()
    assert marker not in visitor.get("/", HTTP_SEC_GPC="1").content.decode()
    assert marker not in visitor.get("/fr/", HTTP_SEC_GPC="1").content.decode()
    assert marker in visitor.get("/", HTTP_SEC_GPC="0").content.decode()


def test_only_a_consent_some_purpose_needs_can_gate_a_snippet() -> None:
    with pytest.raises(ValueError, match="No purpose needs the consent 'cookies'"):
        snippets.register("cookies", "x.html")


@pytest.mark.clause("R1.5")
def test_the_consent_app_answers_for_audience_and_ads() -> None:
    assert consent._sources["audience"] is selectors.audience_consent
    assert consent._sources["ads"] is selectors.ads_consent
    assert settings.PETITE_CONSENT_MAX_AGE_DAYS == 182
