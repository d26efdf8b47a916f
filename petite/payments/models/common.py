"""What every payments model shares: the currency, amounts, retention rules, references."""

from __future__ import annotations

import secrets

from django.utils.translation import gettext_lazy as _

from petite.privacy import purposes

CURRENCY = "eur"

ACCOUNTING_RETENTION = purposes.Retention(
    _("%(period)s after it was issued, as accounting law requires, then deleted"),
    "PETITE_RECEIPT_RETENTION_DAYS",
)
ACCOUNTING_REASON = _(
    "accounting records must be kept for 10 years (French Commercial Code, art. L123-22)"
)
LEGAL_CLAIMS_RETENTION = purposes.Retention(
    _(
        "%(period)s after the case is closed, to establish, exercise or defend legal "
        "claims (GDPR Art. 17(3)(e)), then deleted"
    ),
    "PETITE_DISPUTE_RETENTION_DAYS",
)
# Steps and files of a case go with it (a cascade when the case is purged).
WITH_ITS_CASE = purposes.Retention(
    _("as long as the case it belongs to, and deleted with it"),
)
LEGAL_CLAIMS_REASON = _("needed to establish, exercise or defend legal claims (GDPR Art. 17(3)(e))")


def format_amount(cents: int, currency: str = CURRENCY) -> str:
    """ "12.50 EUR": the same in every language (receipts are records)."""
    return f"{cents // 100}.{cents % 100:02d} {currency.upper()}"


def _order_reference() -> str:
    # Sent to the processors: random, so it says nothing about the member or volumes.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "PT-" + "".join(secrets.choice(alphabet) for _ in range(10))
