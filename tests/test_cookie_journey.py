"""A whole journey in a real browser sets no cookie the registry does not declare
(R1.5, P2; issue 11 item 7).

No system check can see a cookie a response sets: this test walks the platform as
people do, in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)
against pytest-django's live server, and records the name of every cookie that
any response sets (each ``Set-Cookie`` header, so a cookie set then deleted is
seen too) and every cookie the browser holds after each step. Any name that the
apps did not declare to :mod:`petite.privacy.stores` fails it.

The journey: a visitor's first pages; the cookie banner refused, then the choose
page with one category chosen, then everything accepted; sign-up, the e-mail
confirmation read from the test mailbox, signing in; the member's pages (Portrait,
your data, messages, orders, account); signing out; a staff member signing in with
two-factor authentication and walking the back-office.

With ``CI=true`` a browser that cannot start fails the test instead of skipping it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from playwright.sync_api import Browser, BrowserContext, Page, Response, sync_playwright

from petite.accounts.models import Member
from petite.accounts.tests.factories import PASSWORD, StaffFactory, address
from petite.privacy import stores

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
NEWCOMER = address("newcomer")
PASSPHRASE = "a long passphrase nobody guesses 42"


def unavailable(reason: str) -> None:
    """Fail, everywhere: a skip would prove nothing (`make browsers` installs Chromium)."""
    pytest.fail(f"The browser test cannot run: {reason}")


@pytest.fixture(scope="module")
def _async_unsafe_allowed() -> Iterator[None]:
    # Playwright's sync API runs an event loop in this thread, and Django refuses
    # database calls from a thread with a running loop; this module's own calls
    # are made with no request in flight, the live server answering from its thread.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed: None) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        unavailable(
            "Debian's chromium is not installed (/usr/bin/chromium); `make test` installs it"
        )
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=FLAGS
            )
        except Exception as error:
            unavailable(f"chromium did not start: {type(error).__name__}: {error}")
        yield browser
        browser.close()


class CookieWatch:
    """Every cookie name seen, and where it was first seen."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.responses: list[Response] = []
        self.seen: dict[str, str] = {}
        context.on("response", lambda response: self.responses.append(response))

    def check(self, step: str) -> None:
        for response in self.responses:
            for header in response.headers_array():
                if header["name"].lower() == "set-cookie":
                    name = header["value"].split("=", 1)[0].strip()
                    self.seen.setdefault(name, f"{step}: set by {response.url}")
        self.responses.clear()
        for cookie in self.context.cookies():
            self.seen.setdefault(str(cookie.get("name")), f"{step}: held by the browser")
        undeclared = {
            name: where for name, where in self.seen.items() if name not in stores.cookie_names()
        }
        assert undeclared == {}, f"cookies the registry does not declare: {undeclared}"


def visit(page: Page, watch: CookieWatch, path: str, step: str) -> None:
    response = page.goto(path)
    assert response is not None, path
    assert response.status == 200, f"{path}: {response.status}"
    watch.check(step)


def totp_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


@pytest.mark.clause("R1.5")
@pytest.mark.clause("P2")
@pytest.mark.django_db(transaction=True)
def test_a_whole_journey_sets_only_declared_cookies(
    browser: Browser, live_server: Any, settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = False
    context = browser.new_context(base_url=str(live_server), locale="en-GB")
    watch = CookieWatch(context)
    page = context.new_page()

    # A visitor's first pages: the banner asks, nothing but necessary cookies.
    for path in ("/", "/privacy/", "/contact/", "/accounts/signup/", "/accounts/login/"):
        visit(page, watch, path, f"visitor {path}")
    assert page.locator("#consent-banner").count() == 1

    # The banner: refuse; the choose page: one category; then accept everything.
    visit(page, watch, "/", "banner")
    page.locator('#consent-banner button[value="refuse_all"]').click()
    page.wait_for_load_state()
    watch.check("banner refused")
    visit(page, watch, "/cookies/", "choose page")
    page.locator('input[name="audience"]').check()
    page.get_by_role("button", name="Save my choice").click()
    page.wait_for_load_state()
    watch.check("one category chosen")
    visit(page, watch, "/cookies/", "choose page again")
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_load_state()
    watch.check("everything accepted")

    # Sign-up, the confirmation e-mail from the test mailbox, signing in.
    visit(page, watch, "/accounts/signup/", "sign-up form")
    page.fill('input[name="first_name"]', "Nora")
    page.fill('input[name="last_name"]', "Lefèvre")
    page.fill('input[name="email"]', NEWCOMER)
    page.fill('input[name="password1"]', PASSPHRASE)
    page.fill('input[name="password2"]', PASSPHRASE)
    page.locator('form[action$="/accounts/signup/"] [type="submit"]').click()
    page.wait_for_load_state()
    watch.check("signed up")
    assert Member.objects.filter(email=NEWCOMER).exists()
    sent = [m for m in mail.outbox if NEWCOMER in m.to]
    assert sent, "no confirmation e-mail in the test mailbox"
    body = str(sent[-1].body)
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/", body)
    assert link is not None, body
    # The mail's link names the site's configured address: its path, on the live server.
    visit(page, watch, urlsplit(link.group(0)).path, "confirmation link")
    page.locator('main form [type="submit"]').first.click()
    page.wait_for_load_state()
    watch.check("address confirmed")
    visit(page, watch, "/accounts/login/", "sign-in form")
    # Confirming from the same browser may already have signed the newcomer in.
    if page.locator('input[name="login"]').count():
        page.fill('input[name="login"]', NEWCOMER)
        page.fill('input[name="password"]', PASSPHRASE)
        page.locator('form[action$="/accounts/login/"] [type="submit"]').click()
        page.wait_for_load_state()
    watch.check("signed in")
    assert "sessionid" in {c.get("name") for c in context.cookies()}

    # The member's pages.
    for path in (
        "/portrait/",
        "/your-data/",
        "/messages/",
        "/offers/orders/",
        "/account/security/",
        "/email/",
    ):
        visit(page, watch, path, f"member {path}")

    # Signing out, then a staff member with two-factor authentication.
    visit(page, watch, "/accounts/logout/", "sign-out page")
    page.locator('main form [type="submit"]').first.click()
    page.wait_for_load_state()
    watch.check("signed out")
    staff = StaffFactory.create(email=address("sam.staff"))
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    visit(page, watch, "/accounts/login/", "staff sign-in form")
    page.fill('input[name="login"]', staff.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form[action$="/accounts/login/"] [type="submit"]').click()
    page.wait_for_load_state()
    page.fill('input[name="code"]', totp_code(secret))
    page.locator('main form [type="submit"]').first.click()
    page.wait_for_load_state()
    watch.check("staff signed in")
    for path in (
        "/back-office/",
        "/back-office/accounts/member/",
        f"/back-office/accounts/member/{staff.pk}/change/",
        "/back-office/privacy/erasurereceipt/",
        "/back-office/contact/contactmessage/",
        "/privacy/register/",
    ):
        visit(page, watch, path, f"staff {path}")

    context.close()
    # Every declared necessary cookie the journey could set was seen: the check above
    # is not vacuous.
    assert {"sessionid", "csrftoken", "consent"} <= set(watch.seen)
