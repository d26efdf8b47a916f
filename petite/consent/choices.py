"""The cookie categories a visitor chooses about, and the banner's wording.

The wording lives here rather than in the templates so that its version can be
computed: :func:`banner_version` hashes every sentence the banner and the
Choose page show, in every language, and each ledger row stores that hash as
proof of what the person read before choosing (CNIL recommendation 2020-092
§48: version the collection interface and keep the version with the proof).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from petite.privacy import purposes
from petite.privacy.purposes import Purpose, describe_days


@dataclass(frozen=True)
class Category:
    """A category of cookies and trackers the visitor accepts or refuses."""

    key: str  # the consent name the privacy core knows ("audience", "ads")
    purpose: Purpose
    name: Promise
    description: Promise


AUDIENCE = Category(
    "audience",
    purposes.P2,
    _("Audience measurement"),
    _(
        "When you are signed in, we count each day how many pages you open in each area of "
        "the Platform, to run and improve it. The counts stay with our team, and no extra "
        "cookie is set for this."
    ),
)
ADS = Category(
    "ads",
    purposes.P7,
    _("Personalised advertising"),
    _(
        "Choosing the advertisements you see from your browsing and your preferences. "
        "Without it, advertisements depend only on the page you are reading. If your browser "
        "sends the Global Privacy Control signal, this stays off."
    ),
)
# In the order the banner and the Choose page show them.
CATEGORIES: tuple[Category, ...] = (AUDIENCE, ADS)
BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}

NECESSARY_NAME = _("Strictly necessary")
NECESSARY_DESCRIPTION = _(
    "Your session once you sign in, the protection of our forms against forgery, your "
    "language and this choice itself. The site cannot work without them, so they cannot be "
    "switched off; they follow you nowhere else and say nothing about you to anyone."
)

BANNER_TITLE = _("Cookies: your choice")
BANNER_TEXT = _(
    "Petite always uses the few cookies the site needs to work. With your agreement, we "
    "would also measure how the Platform is used and personalise the advertisements you "
    "see. Refusing changes nothing else: every page works the same."
)
BANNER_MORE = _(
    "Your choice is kept for %(period)s, then we ask again. You can change it or withdraw "
    "it at any time from the “Cookie choices” link at the bottom of every page."
)
ACCEPT_ALL = _("Accept all")
REFUSE_ALL = _("Refuse all")
CHOOSE = _("Choose")
SAVE = _("Save my choice")
GPC_NOTICE = _(
    "Your browser sends the Global Privacy Control signal (Sec-GPC). We take it as your "
    "refusal of personalised advertising, whatever is chosen here."
)


def choice_period() -> str:
    """How long a choice holds, in words, in the active language."""
    return describe_days(settings.PETITE_CONSENT_MAX_AGE_DAYS)


def texts() -> dict[str, object]:
    """The banner's and the Choose page's sentences, for the templates."""
    return {
        "title": BANNER_TITLE,
        "text": BANNER_TEXT,
        "more": str(BANNER_MORE) % {"period": choice_period()},
        "accept_all": ACCEPT_ALL,
        "refuse_all": REFUSE_ALL,
        "choose": CHOOSE,
        "save": SAVE,
        "gpc": GPC_NOTICE,
        "necessary_name": NECESSARY_NAME,
        "necessary_description": NECESSARY_DESCRIPTION,
    }


def _wording() -> list[str]:
    words = [f"{key}={value}" for key, value in texts().items()]
    for category in CATEGORIES:
        words += [category.key, str(category.name), str(category.description)]
    return words


@cache
def _banner_version(max_age_days: int) -> str:
    digest = hashlib.sha256()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for text in _wording():
                digest.update(code.encode() + b"\x1f" + text.encode() + b"\x1e")
    return "sha256:" + digest.hexdigest()[:16]


def banner_version() -> str:
    """A short hash of everything the banner and the Choose page say, in every language.

    It changes when a sentence, a translation, a category or the choice's
    lifetime changes, so a ledger row always points at the exact wording seen.
    """
    return _banner_version(settings.PETITE_CONSENT_MAX_AGE_DAYS)
