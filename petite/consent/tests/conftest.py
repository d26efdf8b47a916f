"""Fixtures of the consent tests: a browser's view of the banner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from petite.consent import cookies, snippets
from petite.consent.cookies import Choice

SAVE = "/cookies/save/"
CHOOSE = "/cookies/"
# What a browser sends with a form posted from one of our own pages.
SAME_ORIGIN: dict[str, Any] = {
    "HTTP_ORIGIN": "http://testserver",
    "HTTP_SEC_FETCH_SITE": "same-origin",
}


def post_choice(client: Client, action: str, **data: Any) -> Any:
    headers = data.pop("headers", SAME_ORIGIN)
    return client.post(SAVE, {"action": action, **data}, **headers)


def choice_in(client: Client) -> Choice | None:
    """The choice the server left in the client's consent cookie."""
    morsel = client.cookies.get(settings.PETITE_CONSENT_COOKIE_NAME)
    if morsel is None or not morsel.value:
        return None
    return cookies.decode(morsel.value)


@pytest.fixture
def visitor() -> Client:
    """A browser with CSRF enforced, as a real one is."""
    return Client(enforce_csrf_checks=True)


TRACKER_TEMPLATE = "consent_tests/tracker.html"
TRACKER_COOKIE = "petite_test_tracker"


@pytest.fixture
def ad_snippet(settings: Any) -> Iterator[str]:
    """A consent-gated script that sets a non-essential cookie, as a future ads app
    would register one (the template lives in tests/templates/)."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"],
        }
    ]
    snippets.register("ads", TRACKER_TEMPLATE, cookies=[TRACKER_COOKIE])
    yield TRACKER_TEMPLATE
    snippets.unregister("ads", TRACKER_TEMPLATE, cookies=[TRACKER_COOKIE])
