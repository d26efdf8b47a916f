"""Data categories: the vocabulary in which members are told what is held about them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Category:
    key: str
    name: Promise
    description: Promise

    def __str__(self) -> str:
        return str(self.name)


IDENTITY = Category("identity", _("Identity"), _("Your first and last name."))
CONTACT = Category("contact", _("Contact details"), _("Your e-mail addresses."))
CREDENTIALS = Category(
    "credentials",
    _("Credentials"),
    _("Your password (stored only as an Argon2 hash) and two-factor authentication secrets."),
)
ACCOUNT = Category(
    "account", _("Account settings"), _("Your language, account status and key dates.")
)
CONNECTION = Category(
    "connection",
    _("Connection data"),
    _("Each sign-in attempt and session: time, IP address, browser and method."),
)
LOCATION = Category(
    "location",
    _("Location data"),
    _("The approximate country and network, derived from the IP address offline."),
)
USAGE = Category(
    "usage",
    _("Usage data"),
    _("How many times a day you used each area of the Platform; never single clicks."),
)
PORTRAIT = Category(
    "portrait",
    _("Portrait"),
    _("The profile you choose to fill in: display name, short biography, interests."),
)
POSTAL_ADDRESS = Category(
    "postal_address",
    _("Postal address"),
    _("The address in your Portrait, encrypted at rest."),
)
CORRESPONDENCE = Category(
    "correspondence",
    _("Correspondence"),
    _("Messages you send to the team through the contact form, with your name and e-mail."),
)

CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        IDENTITY,
        CONTACT,
        CREDENTIALS,
        ACCOUNT,
        CONNECTION,
        LOCATION,
        USAGE,
        PORTRAIT,
        POSTAL_ADDRESS,
        CORRESPONDENCE,
    )
}
