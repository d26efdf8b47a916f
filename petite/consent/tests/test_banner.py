"""The banner and the Choose page: asked once, refusing as easy as accepting, nothing before (R1.5)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member
from petite.consent import cookies

from .conftest import CHOOSE, SAME_ORIGIN, post_choice
from .factories import consent_cookie, give_consent

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/accounts/signup/", "/accounts/login/", "/privacy/", "/contact/"]
BANNER = 'id="consent-banner"'


def banner_buttons(html: str) -> list[str]:
    """The opening tags of the banner's buttons."""
    start = html.index(BANNER)
    section = html[start : html.index("</section>", start)]
    return re.findall(r"<button[^>]*>", section)


@pytest.mark.clause("R1.5")
def test_a_first_visit_shows_the_banner_with_three_buttons_of_equal_weight(
    visitor: Client,
) -> None:
    html = visitor.get("/").content.decode()

    buttons = banner_buttons(html)
    assert len(buttons) == 3
    # Same element, same class: the style sheet gives them the same size and colours.
    assert {re.findall(r'class="([^"]+)"', b)[0] for b in buttons} == {"consent-button"}
    assert ">Accept all</button>" in html
    assert ">Refuse all</button>" in html
    assert ">Choose</button>" in html
    # Without JavaScript: the form posts to the save view; "Choose" opens the Choose page.
    assert f'action="{reverse("consent:save")}"' in html
    assert f'formaction="{CHOOSE}"' in html
    assert "<script" not in html.split(BANNER)[1].split("</section>")[0]


@pytest.mark.clause("R1.5")
def test_the_three_buttons_share_one_css_rule_for_size_and_colour() -> None:
    css = (settings.BASE_DIR / "petite/consent/static/consent/consent.css").read_text()

    rules = [line for line in css.splitlines() if "consent-button" in line]
    assert rules == [
        ".consent-actions .consent-button { width: 100%; text-align: center; font-weight: 600; }"
    ]  # one rule for all three, in a grid of equal columns
    for variant in ("nth-child", "[value", "accept", "refuse", "choose"):
        assert variant not in css  # no style singles one button out


@pytest.mark.clause("R1.5")
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_first_visit_sets_only_strictly_necessary_cookies(visitor: Client, path: str) -> None:
    response = visitor.get(path)

    assert response.status_code == 200
    assert set(response.cookies) <= cookies.necessary_cookie_names()
    assert settings.PETITE_CONSENT_COOKIE_NAME not in response.cookies  # no choice yet
    assert BANNER in response.content.decode()


@pytest.mark.clause("R1.5")
def test_the_banner_sets_no_cookie_on_pages_that_set_none(visitor: Client) -> None:
    # The banner's forms need no CSRF cookie: the contact page stays cookie-free.
    response = visitor.get("/contact/")

    assert BANNER in response.content.decode()
    assert response.cookies == {}


@pytest.mark.clause("R1.5")
def test_once_chosen_the_banner_is_gone_and_the_visitor_is_back_where_they_were(
    visitor: Client,
) -> None:
    response = post_choice(visitor, "refuse_all", next="/privacy/")
    assert response["Location"] == "/privacy/"

    assert BANNER not in visitor.get("/privacy/").content.decode()
    assert BANNER not in visitor.get("/").content.decode()


@pytest.mark.clause("R1.5")
def test_the_choice_is_asked_again_after_six_months(visitor: Client) -> None:
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        post_choice(visitor, "accept_all")
    with time_machine.travel(now + dt.timedelta(days=181), tick=False):
        assert BANNER not in visitor.get("/").content.decode()
    with time_machine.travel(now + dt.timedelta(days=183), tick=False):
        assert BANNER in visitor.get("/").content.decode()


@pytest.mark.clause("R1.5")
def test_the_lifetime_of_a_choice_is_a_setting(visitor: Client, settings: Any) -> None:
    settings.PETITE_CONSENT_MAX_AGE_DAYS = 30
    visitor.cookies[settings.PETITE_CONSENT_COOKIE_NAME] = consent_cookie(
        made_at=timezone.now() - dt.timedelta(days=31)
    )

    assert BANNER in visitor.get("/").content.decode()


@pytest.mark.clause("R1.5")
@pytest.mark.parametrize(
    "value",
    [
        "",
        "garbage",
        "eyJ2IjoiYWJjIn0:1vQ:forged-signature",
        # Signed for another use of the secret key:
        signing.dumps({"v": "a" * 32, "c": {"audience": 1, "ads": 1}, "t": 0, "m": ""}),
        # Signed by us but not a choice:
        signing.dumps({"v": "not hex", "c": [], "t": "now", "m": 3}, salt="petite.consent.cookie"),
    ],
)
def test_a_forged_or_damaged_cookie_counts_as_no_choice(visitor: Client, value: str) -> None:
    visitor.cookies[settings.PETITE_CONSENT_COOKIE_NAME] = value

    response = visitor.get("/")

    assert BANNER in response.content.decode()


@pytest.mark.clause("R1.5")
def test_every_page_links_to_the_choose_page_to_change_or_withdraw(visitor: Client) -> None:
    give_consent(visitor, audience=True, ads=True)
    for path in PUBLIC_PAGES:
        html = visitor.get(path).content.decode()
        assert 'id="cookie-choices-link"' in html
        assert f'href="{CHOOSE}?next={path}"' in html


@pytest.mark.clause("R1.5")
def test_the_choose_page_has_one_switch_per_category_and_lists_every_cookie(
    visitor: Client,
) -> None:
    response = visitor.get(CHOOSE)
    html = response.content.decode()

    assert response.status_code == 200
    assert BANNER not in html  # the page itself asks
    switches = re.findall(r'<input type="checkbox"[^>]*role="switch"[^>]*>', html)
    assert len(switches) == 3  # strictly necessary (always on), audience, ads
    assert 'name="audience"' in html
    assert 'name="ads"' in html
    assert "disabled" in switches[0]
    assert "checked" in switches[0]
    assert "You have not chosen yet" in html
    for name in cookies.necessary_cookie_names():
        assert f"<code>{name}</code>" in html
    assert "Accept all" in html
    assert "Refuse all" in html
    assert "Save my choice" in html


@pytest.mark.clause("R1.5")
def test_the_choose_page_shows_the_current_choice_to_change_it(visitor: Client) -> None:
    post_choice(visitor, "choose", audience="on")

    html = visitor.get(CHOOSE).content.decode()

    assert "Your choice on this browser was saved on" in html
    assert re.search(r'<input type="checkbox" name="audience"[^>]*checked', html)
    assert not re.search(r'<input type="checkbox" name="ads"[^>]*checked', html)


@pytest.mark.clause("R1.5")
def test_the_banner_choose_button_leads_to_the_choose_page_and_back(visitor: Client) -> None:
    html = visitor.get(CHOOSE, {"next": "/privacy/"}).content.decode()
    assert 'name="next" value="/privacy/"' in html

    evil = visitor.get(CHOOSE, {"next": "https://evil.example/"}).content.decode()
    assert 'name="next" value=""' in evil


@pytest.mark.clause("R1.5")
@pytest.mark.clause("P7")
def test_the_choose_page_shows_global_privacy_control(visitor: Client) -> None:
    response = visitor.get(CHOOSE, HTTP_SEC_GPC="1")
    html = response.content.decode()

    assert 'id="gpc-notice"' in html
    assert re.search(r'<input type="checkbox" name="ads"[^>]*disabled', html)
    assert "Sec-GPC" in response["Vary"]
    assert 'id="gpc-notice"' not in visitor.get(CHOOSE).content.decode()


@pytest.mark.clause("R1.5")
def test_the_choose_page_is_the_same_for_everyone(
    visitor: Client, alice: Member, bob: Member, staff_client: Client
) -> None:
    # A choice belongs to a browser: anonymous visitors, members and staff alike
    # see their own browser's choice and nobody else's.
    alices_browser = Client()
    alices_browser.force_login(alice)
    post_choice(alices_browser, "accept_all")
    bobs_browser = Client()
    bobs_browser.force_login(bob)

    for client in (visitor, bobs_browser, staff_client):
        html = client.get(CHOOSE).content.decode()
        assert "You have not chosen yet" in html
    assert "was saved on" in alices_browser.get(CHOOSE).content.decode()


@pytest.mark.clause("R1.5")
def test_the_choose_page_answers_only_get(visitor: Client) -> None:
    assert Client().post(CHOOSE, {"action": "accept_all"}, **SAME_ORIGIN).status_code == 405
    assert Client().put(CHOOSE).status_code == 405
    assert Client().get(reverse("consent:save")).status_code == 405


@pytest.mark.clause("R1.5")
def test_the_pages_are_in_french(visitor: Client) -> None:
    html = visitor.get("/fr/").content.decode()

    assert ">Tout accepter</button>" in html
    assert ">Tout refuser</button>" in html
    assert "Choix des cookies" in html
