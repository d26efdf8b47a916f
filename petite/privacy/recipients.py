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
)
