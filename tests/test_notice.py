"""The public privacy notice is generated from the inventory and says what the clause promises."""

from __future__ import annotations

import difflib
import html
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from petite.privacy import categories, publication
from petite.privacy.notice import INTERNET_SENTENCE, render_notice
from petite.privacy.purposes import PURPOSES
from petite.privacy.registry import declarations

LANGUAGES = {"en": "/privacy/", "fr": "/fr/privacy/"}


def page(client: Client, language: str) -> str:
    response = client.get(LANGUAGES[language])
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def section(text: str, title: str, language: str = "en") -> str:
    """The part of the notice under a situation's heading, up to the next heading."""
    with translation.override(language):
        heading = f"### {title}"
    start = text.index(heading)
    end = text.find("\n#", start + len(heading))
    return text[start : end if end != -1 else None]


def named(*items: object) -> list[str]:
    return [str(item) for item in items]


@pytest.mark.clause("P1")
@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_notice_lists_every_declared_category_and_every_purpose(
    client: Client, language: str
) -> None:
    text = page(client, language)

    with translation.override(language):
        declared = {p.category for d in declarations() for p in d.fields.values()}
        expected = named(*(c.name for c in declared), *(p.name for p in PURPOSES.values()))
    assert declared  # the registry is not empty
    missing = [name for name in expected if name not in text]
    assert missing == []


@pytest.mark.clause("R1.1")
def test_the_notice_says_what_opening_an_account_collects() -> None:
    text = section(render_notice("en"), str(categories.OPENING_AN_ACCOUNT.title))

    assert "first name, your last name, your e-mail address and a password" in text
    for name in named(categories.IDENTITY.name, categories.CONTACT.name):
        assert name in text


@pytest.mark.clause("R1.2")
def test_the_notice_says_what_each_connection_records_and_for_how_long(settings: Any) -> None:
    settings.PETITE_CONNECTION_RETENTION_DAYS = 365
    settings.PETITE_USAGE_RETENTION_DAYS = 396
    text = render_notice("en")
    connecting = section(text, str(categories.CONNECTING.title))

    for name in named(categories.CONNECTION.name, categories.LOCATION.name, categories.USAGE.name):
        assert name in connecting
    assert "12 months (365 days)" in text
    assert "13 months (396 days)" in text


@pytest.mark.clause("R1.2")
def test_the_notice_follows_the_retention_settings(settings: Any) -> None:
    settings.PETITE_CONNECTION_RETENTION_DAYS = 180

    assert "6 months (180 days)" in render_notice("en")
    assert "6 mois (180 jours)" in render_notice("fr")


@pytest.mark.clause("R1.3")
def test_the_notice_says_a_portrait_may_include_an_address() -> None:
    text = section(render_notice("en"), str(categories.FILLING_IN_A_PORTRAIT.title))

    assert str(categories.PORTRAIT.name) in text
    assert str(categories.POSTAL_ADDRESS.name) in text
    assert "encrypted" in text


@pytest.mark.clause("R1.4")
def test_the_notice_says_the_contact_form_transmits_name_and_e_mail() -> None:
    text = section(render_notice("en"), str(categories.WRITING_TO_US.title))

    assert str(categories.CORRESPONDENCE.name) in text
    assert "name" in text
    assert "e-mail" in text


@pytest.mark.clause("SEC2")
@pytest.mark.django_db
def test_the_notice_says_the_internet_is_not_completely_secure_without_the_typo(
    client: Client,
) -> None:
    text = page(client, "en")

    assert INTERNET_SENTENCE in text
    assert "guarantee-shirt" not in text


@pytest.mark.clause("SEC2")
@pytest.mark.django_db
def test_the_french_notice_says_it_too(client: Client) -> None:
    text = page(client, "fr")

    with translation.override("fr"):
        sentence = translation.gettext(INTERNET_SENTENCE)
    assert sentence != INTERNET_SENTENCE
    assert sentence in text
    assert "Internet n\u2019est pas un environnement complètement sécurisé" in sentence


@pytest.mark.django_db
def test_the_notice_names_the_controller_and_the_privacy_address(
    client: Client, settings: Any
) -> None:
    settings.PETITE_CONTROLLER_NAME = "Petite SAS"
    settings.PETITE_PRIVACY_EMAIL = "dpo" + "@petite.test"

    text = page(client, "en")

    assert "Petite SAS" in text
    assert f'href="mailto:{settings.PETITE_PRIVACY_EMAIL}"' in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_notice_lists_the_rights_and_how_to_complain(language: str) -> None:
    text = render_notice(language)

    with translation.override(language):
        rights = [
            translation.gettext(right)
            for right in (
                "access",
                "rectification",
                "erasure",
                "account deletion",
                "objection",
                "portability",
            )
        ]
    for right in rights:
        assert f"**{right}**" in text
    assert "CNIL" in text


def test_the_notice_promises_15_days_notice_of_changes() -> None:
    text = render_notice("en")

    assert "at least 15 days before it takes effect" in text
    assert "you may delete your account" in text


@pytest.mark.django_db
def test_the_notice_sets_no_cookie(client: Client) -> None:
    response = client.get("/privacy/")

    assert response.status_code == 200
    assert not response.cookies


def test_the_notice_is_the_same_each_time_it_is_generated() -> None:
    assert render_notice("fr") == render_notice("fr")
    assert "%(" not in render_notice("en") + render_notice("fr")


@pytest.mark.parametrize("path", sorted(publication.generated_documents()), ids=lambda p: p.name)
def test_the_committed_copy_matches_what_the_code_generates(path: Path) -> None:
    generated = publication.generated_documents()[path]
    committed = path.read_text(encoding="utf-8") if path.exists() else ""

    if committed != generated:
        diff = difflib.unified_diff(
            committed.splitlines(), generated.splitlines(), "committed", "generated", lineterm=""
        )
        pytest.fail(
            f"{path.relative_to(publication.BASE_DIR)} is out of date: run "
            "`uv run python manage.py generate_notice` and commit the result.\n"
            + "\n".join(list(diff)[:30]),
            pytrace=False,
        )
