"""Who receives personal data (clause §3). Purposes name their recipients."""

from __future__ import annotations

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
    APPS=Recipient(
        "apps",
        _("Third-party apps you authorise"),
        _("Only the data of the scopes you granted, until you revoke the app."),
    ),
)
