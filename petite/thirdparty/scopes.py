"""The scopes an app may ask for, each mapped to the exact fields it reveals.

One list serves everything: the consent screen (what the member is told, field by
field, in plain language), django-oauth-toolkit (through :class:`ScopesBackend`),
the OpenID Connect claims, the JSON API (which returns a field only when a granted
scope reveals it) and the disclosure log (each field's data category).

Every app also receives ``sub``, an identifier of the member that is different for
each app (pairwise), so that two apps cannot match up their members.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import BaseScopes

from petite.privacy import categories
from petite.privacy.categories import Category


@dataclass(frozen=True)
class Revealed:
    """One field an app can read: its name in the API and the claims, in plain words."""

    name: str
    label: Promise
    category: Category


@dataclass(frozen=True)
class Scope:
    name: str
    title: Promise
    description: Promise
    fields: tuple[Revealed, ...]


SUBJECT = Revealed(
    "sub",
    _("an identifier of your account for this app alone"),
    categories.AUTHORISED_APPS,
)
GIVEN_NAME = Revealed("given_name", _("your first name"), categories.IDENTITY)
FAMILY_NAME = Revealed("family_name", _("your last name"), categories.IDENTITY)
NAME = Revealed("name", _("your full name"), categories.IDENTITY)
EMAIL = Revealed("email", _("your primary e-mail address"), categories.CONTACT)
EMAIL_VERIFIED = Revealed(
    "email_verified", _("whether that address is verified"), categories.CONTACT
)
DISPLAY_NAME = Revealed("display_name", _("your Portrait's display name"), categories.PORTRAIT)
BIO = Revealed("bio", _("your Portrait's short biography"), categories.PORTRAIT)
INTERESTS = Revealed("interests", _("your Portrait's interests"), categories.PORTRAIT)
STREET = Revealed("street", _("your street address"), categories.POSTAL_ADDRESS)
POSTCODE = Revealed("postcode", _("your postcode"), categories.POSTAL_ADDRESS)
CITY = Revealed("city", _("your city"), categories.POSTAL_ADDRESS)
COUNTRY = Revealed("country", _("your country"), categories.POSTAL_ADDRESS)

SCOPES: dict[str, Scope] = {
    scope.name: scope
    for scope in (
        Scope(
            "openid",
            _("Sign you in with your Petite account"),
            _(
                "The app receives a signed statement (an OpenID Connect ID token) that you "
                "are signed in, holding only the identifier below."
            ),
            (SUBJECT,),
        ),
        Scope(
            "profile",
            _("Your name"),
            _("The name on your account."),
            (GIVEN_NAME, FAMILY_NAME, NAME),
        ),
        Scope(
            "email",
            _("Your e-mail address"),
            _("The address we write to you at."),
            (EMAIL, EMAIL_VERIFIED),
        ),
        Scope(
            "portrait",
            _("Your Portrait"),
            _("What you wrote in your Portrait, without the address."),
            (DISPLAY_NAME, BIO, INTERESTS),
        ),
        Scope(
            "portrait.address",
            _("Your postal address"),
            _("The postal address in your Portrait."),
            (STREET, POSTCODE, CITY, COUNTRY),
        ),
    )
}

# What each field of the API and the claims is, by name.
FIELDS: dict[str, Revealed] = {
    field.name: field for scope in SCOPES.values() for field in scope.fields
}


def known(names: Iterable[str]) -> list[Scope]:
    """The scopes among ``names``, in the order of :data:`SCOPES` (unknown names dropped)."""
    wanted = set(names)
    return [scope for name, scope in SCOPES.items() if name in wanted]


def revealed_by(scope_names: Iterable[str]) -> list[Revealed]:
    """Every field the scopes reveal, the identifier first; each once."""
    found: dict[str, Revealed] = {SUBJECT.name: SUBJECT}
    for scope in known(scope_names):
        for field in scope.fields:
            found.setdefault(field.name, field)
    return list(found.values())


def allowed(names: Iterable[str], scope_names: Iterable[str]) -> list[str]:
    """Of the field ``names`` an endpoint can return, those the granted scopes reveal."""
    granted = {field.name for field in revealed_by(scope_names)}
    return [name for name in names if name in granted]


def categories_of(names: Iterable[str]) -> dict[str, Category]:
    """Field name -> data category, for the disclosure log."""
    return {name: FIELDS[name].category for name in names}


class ScopesBackend(BaseScopes):
    """django-oauth-toolkit's view of the scopes: the same list, nothing by default."""

    def get_all_scopes(self) -> dict[str, str]:
        return {name: str(scope.title) for name, scope in SCOPES.items()}

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(SCOPES)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        # An app must say what it wants: nothing is granted without being asked for.
        return []
