"""Countries for the Portrait's address: ISO 3166-1 alpha-2 codes, named in the reader's language.

pycountry carries the ISO list and the Debian iso-codes translations of its names,
so every country is offered and the list follows ISO without us maintaining it.
"""

from __future__ import annotations

import functools
import gettext
import unicodedata

import pycountry
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _


@functools.lru_cache(maxsize=16)
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def _name(country: object, catalogue: gettext.NullTranslations) -> str:
    # The common name ("Taiwan", "Bolivia") reads better than the official one.
    name = getattr(country, "common_name", None) or country.name  # type: ignore[attr-defined]
    return catalogue.gettext(name)


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


@functools.lru_cache(maxsize=16)
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    catalogue = _catalogue(language)
    named = [(c.alpha_2, _name(c, catalogue)) for c in pycountry.countries]
    return tuple(sorted(named, key=lambda pair: _sort_key(pair[1])))


def choices() -> list[tuple[str, str]]:
    """("", "—") then every country, by name in the active language."""
    return [("", "—"), *_choices(_language())]


@functools.cache
def codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def name(code: str) -> str:
    """The country's name in the active language ("" for no country)."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return _name(country, _catalogue(_language()))


def validate_country(value: str) -> None:
    if value and value not in codes():
        raise ValidationError(
            _("“%(value)s” is not a country code (ISO 3166-1, two capital letters)."),
            code="invalid_country",
            params={"value": value},
        )
