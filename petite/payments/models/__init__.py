"""Offers, orders, receipts, refunds and disputes (P3, P9, S1).

What is kept, and for how long (docs/payments.md, ADR 0014):

- An **order** is the member's: it lives as long as the account and goes with it.
- A **receipt** is an accounting record: numbered without gaps, never changed, kept
  for ``PETITE_RECEIPT_RETENTION_DAYS`` (10 years) even after the member is erased,
  then purged. Erasure pseudonymises it: the buyer's name and e-mail address are
  replaced, the number, amounts and processor reference stay.
- A **refund** is part of the same accounting record and follows its receipt.
- A **dispute** (a processor's chargeback or a member's disagreement with us) is kept
  to establish, exercise or defend legal claims (GDPR Art. 17(3)(e)) for
  ``PETITE_DISPUTE_RETENTION_DAYS`` after it is closed; erasure unlinks the member.

One import surface over ``common``, ``orders``, ``receipts`` and ``disputes``.
"""

from __future__ import annotations

from .common import (
    ACCOUNTING_REASON,
    ACCOUNTING_RETENTION,
    CURRENCY,
    LEGAL_CLAIMS_REASON,
    LEGAL_CLAIMS_RETENTION,
    WITH_ITS_CASE,
    _order_reference,
    format_amount,
)
from .disputes import (
    CLOSED_DISPUTE_STATUSES,
    EVIDENCE_TYPES,
    Dispute,
    DisputeEvent,
    DisputeEvidence,
    evidence_path,
)
from .orders import SETTLED_STATUSES, Offer, Order, WebhookEvent
from .receipts import ImmutableError, Receipt, ReceiptSequence, Refund

__all__ = [
    "ACCOUNTING_REASON",
    "ACCOUNTING_RETENTION",
    "CLOSED_DISPUTE_STATUSES",
    "CURRENCY",
    "EVIDENCE_TYPES",
    "LEGAL_CLAIMS_REASON",
    "LEGAL_CLAIMS_RETENTION",
    "SETTLED_STATUSES",
    "WITH_ITS_CASE",
    "Dispute",
    "DisputeEvent",
    "DisputeEvidence",
    "ImmutableError",
    "Offer",
    "Order",
    "Receipt",
    "ReceiptSequence",
    "Refund",
    "WebhookEvent",
    "_order_reference",
    "evidence_path",
    "format_amount",
]
