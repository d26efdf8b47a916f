"""Who receives personal data (clause §3). Purposes name their recipients.

The recipients below are the platform's own (the team, other members, the
public, authorised apps). Service providers come from the register
(:mod:`petite.privacy.providers`), which adds itself as a *source*: a purpose's
recipients are its own followed by what each source returns for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Recipient:
    key: str
    name: Promise
    description: Promise

    def __str__(self) -> str:
        return str(self.name)


recipients = SimpleNamespace(
    TEAM=Recipient(
        "team",
        _("The Petite team"),
        _("Authorised staff, each seeing only what their task needs."),
    ),
    STRIPE=Recipient(
        "stripe", _("Stripe"), _("Payment processor under contract; receives what a payment needs.")
    ),
    PAYPAL=Recipient(
        "paypal", _("PayPal"), _("Payment processor under contract; receives what a payment needs.")
    ),
    OTHER_MEMBERS=Recipient(
        "members",
        _("The members you write to"),
        _("Only the members you choose to write to."),
    ),
    PUBLIC=Recipient(
        "public",
        _("Everyone who reads the Platform's public pages"),
        _("What you publish (public comments) with your display name, until you delete it."),
    ),
    ADVERTISERS=Recipient(
        "advertisers",
        _("Advertisers"),
        _(
            "Only counts per campaign and day (impressions and clicks), with small counts "
            "removed; never anything that identifies you, your profile or your address."
        ),
    ),
    APPS=Recipient(
        "apps",
        _("Third-party apps you authorise"),
        _("Only the data of the scopes you granted, until you revoke the app."),
    ),
    AUTHORITIES=Recipient(
        "authorities",
        _("Courts and public authorities, when the law requires it"),
        _(
            "Only what a binding order names, after we checked it; you are told unless "
            "the law forbids it for a time."
        ),
    ),
    SUCCESSOR=Recipient(
        "successor",
        _("A company taking over the Platform"),
        _(
            "Only in a merger, acquisition, sale of assets or receivership, after every "
            "member concerned was told and could object."
        ),
    ),
)


_sources: list[Callable[[str], tuple[Recipient, ...]]] = []


def add_source(source: Callable[[str], tuple[Recipient, ...]]) -> None:
    """Add a function giving the recipients of a purpose id (the provider register)."""
    if source not in _sources:
        _sources.append(source)


def from_sources(purpose_id: str) -> tuple[Recipient, ...]:
    return tuple(recipient for source in _sources for recipient in source(purpose_id))
