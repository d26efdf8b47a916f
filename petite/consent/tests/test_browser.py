"""In a real browser: a first visit leaves only strictly necessary cookies (R1.5).

Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against
pytest-django's live server. A consent-gated script that sets a non-essential
cookie is registered for the test, so that "nothing before consent" is checked
against something that would otherwise run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from petite.consent.cookies import necessary_cookie_names

from .conftest import TRACKER_COOKIE

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = ["/", "/accounts/signup/", "/accounts/login/", "/privacy/", "/contact/"]

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (/usr/bin/chromium); `make test` installs it",
    ),
]

if CHROMIUM.exists():
    from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright


@pytest.fixture(scope="module")
def _async_unsafe_allowed() -> Iterator[None]:
    # Playwright's sync API runs an event loop in this thread, and Django refuses
    # database calls from a thread with a running loop; this module's own calls
    # (database set-up and flush around each test) are made with no request in
    # flight, the live server answering from its own thread. Only for this module.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed: None) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(
    browser: Browser, django_db_setup: None, live_server: object, ad_snippet: str
) -> Iterator[BrowserContext]:
    # The test database exists before the live server starts, so the server shares
    # its in-memory SQLite connection instead of opening (and leaking) its own.
    context = browser.new_context(base_url=str(live_server), locale="en-GB")
    yield context
    context.close()


def cookie_names(context: BrowserContext) -> set[str]:
    return {str(cookie.get("name")) for cookie in context.cookies()}


def visit_all(page: Page) -> None:
    for path in PAGES:
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 200, path


def banner_buttons(page: Page) -> list[dict[str, object]]:
    return [
        button.evaluate(
            """b => { const s = getComputedStyle(b); const r = b.getBoundingClientRect();
                 return {text: b.textContent.trim(), width: Math.round(r.width),
                         height: Math.round(r.height), background: s.backgroundColor,
                         color: s.color, font: s.font, border: s.border}; }"""
        )
        for button in page.locator("#consent-banner button").all()
    ]


@pytest.mark.clause("R1.5")
def test_a_first_visit_leaves_only_strictly_necessary_cookies(context: BrowserContext) -> None:
    page = context.new_page()

    visit_all(page)

    names = cookie_names(context)
    assert names <= necessary_cookie_names(), names
    assert TRACKER_COOKIE not in names  # the gated script did not run
    assert settings.PETITE_CONSENT_COOKIE_NAME not in names  # nothing chosen yet
    assert page.locator("#consent-banner").is_visible()


@pytest.mark.clause("R1.5")
def test_the_three_banner_buttons_look_the_same(context: BrowserContext) -> None:
    page = context.new_page()
    page.goto("/")

    buttons = banner_buttons(page)

    assert [b["text"] for b in buttons] == ["Accept all", "Refuse all", "Choose"]
    looks = [{k: v for k, v in b.items() if k != "text"} for b in buttons]
    assert looks[0] == looks[1] == looks[2], looks

    page.set_viewport_size({"width": 360, "height": 800})  # a phone: stacked, still equal
    narrow = [{k: v for k, v in b.items() if k != "text"} for b in banner_buttons(page)]
    assert narrow[0] == narrow[1] == narrow[2], narrow
    assert narrow[0] != looks[0]  # the layout did change


@pytest.mark.clause("R1.5")
def test_accepting_then_withdrawing_in_the_browser(context: BrowserContext) -> None:
    page = context.new_page()
    page.goto("/privacy/")

    page.get_by_role("button", name="Accept all").click()
    page.wait_for_url("**/privacy/")

    assert not page.locator("#consent-banner").count()
    names = cookie_names(context)
    assert settings.PETITE_CONSENT_COOKIE_NAME in names
    assert TRACKER_COOKIE in names  # consent given: the gated script ran
    assert names - {TRACKER_COOKIE} <= necessary_cookie_names()

    # Withdraw from the footer link, switch by switch, on the Choose page.
    page.get_by_role("link", name="Cookie choices").click()
    page.wait_for_url("**/cookies/?next=**")
    assert page.get_by_role("switch", name="Allow").first.is_checked()
    for switch in page.get_by_role("switch", name="Allow").all():
        switch.uncheck()
    page.get_by_role("button", name="Save my choice").click()
    page.wait_for_url("**/privacy/")

    names = cookie_names(context)
    assert names <= necessary_cookie_names(), names  # the tracker's cookie is gone
    visit_all(page)
    assert cookie_names(context) <= necessary_cookie_names()
    assert not page.locator("#consent-banner").count()


@pytest.mark.clause("R1.5")
def test_refusing_in_the_browser_leaves_only_strictly_necessary_cookies(
    context: BrowserContext,
) -> None:
    page = context.new_page()
    page.goto("/contact/")

    page.get_by_role("button", name="Refuse all").click()
    page.wait_for_url("**/contact/")
    visit_all(page)

    names = cookie_names(context)
    assert settings.PETITE_CONSENT_COOKIE_NAME in names  # the refusal is remembered
    assert names <= necessary_cookie_names(), names
    assert not page.locator("#consent-banner").count()


@pytest.mark.clause("R1.5")
def test_choose_from_the_banner_works_without_javascript(
    browser: Browser, django_db_setup: None, live_server: object, ad_snippet: str
) -> None:
    context = browser.new_context(base_url=str(live_server), java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/privacy/")
        page.get_by_role("button", name="Choose").click()
        page.wait_for_url("**/cookies/?next=%2Fprivacy%2F")
        page.get_by_role("switch", name="Allow").first.check()  # audience measurement
        page.get_by_role("button", name="Save my choice").click()
        page.wait_for_url("**/privacy/")

        assert not page.locator("#consent-banner").count()
        assert TRACKER_COOKIE not in cookie_names(context)  # ads were not chosen
    finally:
        context.close()
