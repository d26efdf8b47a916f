"""Our own words everywhere (issue 12): every member page and account e-mail, in both languages.

A page or e-mail fails when it shows a library's default phrase, a code name such as
"Member #", or, in French, a sentence of an English catalogue (a string left untranslated).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import allauth
import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from petite.accounts.models import Member
from petite.accounts.tests.factories import PASSWORD, address, signed_in

ROOT = Path(settings.BASE_DIR)

# What libraries say when nobody wrote the page or e-mail for us.
LIBRARY_DEFAULTS = (
    "Hello from",
    "Thank you for using",
    "Please Confirm",
    "Successfully signed in as",
    "Sign Up",
    "Signup",
    "Sign In",
    "Sign Out",
    "Remember Me",
    "Confirm Access",
    "Please reauthenticate",
    "Change Email",
    "Authenticator App",
    "Two-Factor Authentication",
    "Recovery Codes",
    "Current Password",
    "New Password",
    "Email Address",
    "Forgot Password",
    "Password Reset",
    "Member #",
    "Membre n",
    "Django",
    "testserver",
)
LIBRARY_DEFAULTS_FR = (
    "Bonjour de",
    "Merci d'utiliser",
    "Merci d\u2019utiliser",
    "Connecté avec succès",
    "Se souvenir de moi",
    "Inscription",
)


class _Text(HTMLParser):
    """The text a person reads: no script, style or markup; attribute text that is read aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("alt", "title", "aria-label", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def readable_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def _catalogues() -> list[Path]:
    ours = [p for p in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po") if ".venv" not in p.parts]
    theirs = Path(allauth.__file__).parent / "locale/fr/LC_MESSAGES/django.po"
    return [*ours, theirs]


@cache
def english_sentences() -> frozenset[str]:
    """Every catalogue string of a few words whose French is different (or missing)."""
    found: set[str] = set()
    entry = re.compile(r'^msgid "(.*)"\n((?:".*"\n)*)msgstr "(.*)"\n((?:".*"\n)*)', re.M)
    for path in _catalogues():
        for match in entry.finditer(path.read_text()):
            msgid = (match[1] + "".join(re.findall(r'"(.*)"', match[2]))).replace('\\"', '"')
            msgstr = match[3] + "".join(re.findall(r'"(.*)"', match[4]))
            if "%" in msgid or "{" in msgid or "<" in msgid or "\\n" in msgid:
                continue  # placeholders and markup: the rendered text differs anyway
            words = msgid.split()
            if len(words) < 2 or msgstr == msgid:
                continue
            found.add(msgid.rstrip(".:"))
    return frozenset(found)


def assert_our_words(text: str, *, language: str, where: str) -> None:
    for phrase in LIBRARY_DEFAULTS:
        assert phrase not in text, f"{where} says {phrase!r}"
    if language == "fr":
        for phrase in LIBRARY_DEFAULTS_FR:
            assert phrase not in text, f"{where} says {phrase!r}"
        english = [s for s in english_sentences() if s in text]
        assert not english, f"{where} (French) shows English: {english[:5]}"


def signed_in_just_now(member: Member, language: str) -> Client:
    """Signed in through the form, so pages that ask for the password again do not."""
    client = Client()
    credentials = {"login": member.email, "password": PASSWORD}
    response = client.post(url("account_login", language), credentials)
    assert response.status_code == 302
    response = client.post(url("account_reauthenticate", language), {"password": PASSWORD})
    assert response.status_code == 302
    return client


def url(name: str, language: str, *args: object) -> str:
    with translation.override(language):
        return reverse(name, args=args)


VISITOR_PAGES = (
    "home",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
)
SETTINGS_PAGES = (
    "rights:identity",
    "portraits:edit",
    "accounts:security",
    "account_change_password",
    "account_email",
    "mfa_index",
    "rights:index",
    "consent:choose",
    "thirdparty:index",
    "marketing:preferences",
    "accounts:delete",
)
MEMBER_PAGES = (
    "home",
    "rights:identity",
    "portraits:edit",
    "accounts:security",
    "account_change_password",
    "account_email",
    "mfa_index",
    "mfa_activate_totp",
    "consent:choose",
    "thirdparty:index",
    "marketing:preferences",
    "accounts:delete",
    "account_logout",
    "messaging:inbox",
    "messaging:new",
    "payments:orders",
    "payments:offers",
    "comments:list",
    "comments:mine",
    "contact:form",
    "datarequests:list",
    "datarequests:new",
    "policies:index",
)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_visitor_pages_speak_in_our_words(language: str) -> None:
    client = Client()
    for name in VISITOR_PAGES:
        response = client.get(url(name, language))
        assert response.status_code == 200, name
        assert_our_words(readable_text(response.text), language=language, where=name)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_member_pages_speak_in_our_words(alice: Member, language: str) -> None:
    client = signed_in_just_now(alice, language)
    for name in MEMBER_PAGES:
        # Turning on two-factor authentication asks for the password again first.
        response = client.get(url(name, language), follow=True)
        assert response.status_code == 200, name
        assert_our_words(readable_text(response.text), language=language, where=name)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_settings_page_shows_the_settings_navigation_with_itself_marked(
    alice: Member, language: str
) -> None:
    client = signed_in_just_now(alice, language)
    settings_pages = SETTINGS_PAGES
    for name in settings_pages:
        page = client.get(url(name, language)).text
        assert 'class="settings-nav"' in page, name
        nav = page[page.index('class="settings-nav"') :]
        nav = nav[: nav.index("</nav>")]
        current = re.findall(r'<a href="([^"]+)" aria-current="page"', nav)
        assert current == [url(name, language)], (name, current)
        # Every other settings page is one click away from here.
        for other in settings_pages:
            assert f'href="{url(other, language)}"' in nav, (name, other)


def test_any_page_reaches_the_settings_area_in_one_click(alice: Member) -> None:
    page = signed_in(alice).get(url("home", "en")).text
    assert f'href="{url("rights:identity", "en")}"' in page


def _sign_up(client: Client, language: str, email: str) -> None:
    response = client.post(
        url("account_signup", language),
        {
            "first_name": "Chloé",
            "last_name": "Petit",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content


def _assert_mail_in_our_words(message: mail.EmailMessage, *, language: str, name: str) -> None:
    assert isinstance(message, mail.EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    subject, body = str(message.subject), str(message.body)
    for text in (subject, body, readable_text(html)):
        assert_our_words(text, language=language, where=subject)
        assert "127.0.0.1:8000" not in text.replace(settings.SITE_URL, "")
    greeting = {"en": "Hello", "fr": "Bonjour"}[language]
    assert f"{greeting} {name}," in body
    assert f"{greeting} {name}," in html
    assert settings.SITE_URL in body
    assert subject.startswith(f"[{settings.PETITE_SITE_NAME}] ")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_confirmation_e_mail_greets_by_name_and_signs_in_the_same_browser(
    language: str,
) -> None:
    client = Client()
    _sign_up(client, language, address("chloe"))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    _assert_mail_in_our_words(message, language=language, name="Chloé")
    link = re.search(r"(https?://\S+/confirm-email/\S+/)", str(message.body))
    assert link is not None
    assert link[1].startswith(settings.SITE_URL + "/")
    path = link[1].removeprefix(settings.SITE_URL)
    response = client.post(path)
    assert response.status_code == 302
    # The browser that signed up is signed in once the address is confirmed.
    assert client.get(url("home", language)).wsgi_request.user.is_authenticated
    welcome = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert_our_words(" ".join(welcome), language=language, where="messages")


@pytest.mark.django_db
def test_confirming_in_another_browser_does_not_sign_in() -> None:
    _sign_up(Client(), "en", address("chloe"))
    link = re.search(r"(https?://\S+/confirm-email/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    other = Client()
    other.post(link[1].removeprefix(settings.SITE_URL))
    assert not other.get("/").wsgi_request.user.is_authenticated
    assert EmailAddress.objects.get(email=address("chloe")).verified


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_password_reset_e_mail_is_in_our_words(alice: Member, language: str) -> None:
    Client().post(url("account_reset_password", language), {"email": alice.email})
    assert len(mail.outbox) == 1
    _assert_mail_in_our_words(mail.outbox[0], language=language, name="Alice")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_signing_in_is_welcomed_by_name(alice: Member, language: str) -> None:
    client = Client()
    response = client.post(
        url("account_login", language), {"login": alice.email, "password": PASSWORD}, follow=True
    )
    text = readable_text(response.text)
    assert_our_words(text, language=language, where="after sign-in")
    assert {"en": "Welcome back, Alice.", "fr": "Bon retour, Alice."}[language] in text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_password_is_asked_again_in_our_words(alice: Member, language: str) -> None:
    response = signed_in(alice).get(url("accounts:delete", language), follow=True)
    assert response.redirect_chain, "a forced sign-in should be asked to confirm"
    assert_our_words(readable_text(response.text), language=language, where="reauthenticate")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "4 December 2026, 18:08"), ("fr", "4 décembre 2026 à 18:08")],
)
def test_one_date_format_per_language_and_no_p_m(language: str, expected: str) -> None:
    moment = datetime(2026, 12, 4, 18, 8)
    with translation.override(language):
        assert formats.date_format(moment, "DATETIME_FORMAT") == expected
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") != "12/04/2026"


def test_the_back_office_carries_our_name(staff_client: Client) -> None:
    page = staff_client.get(reverse("admin:index")).text
    assert "Petite back-office" in page
    assert "Django administration" not in page
