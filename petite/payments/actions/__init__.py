"""Every write of the payments app, one import surface over four topics.

- ``orders``: offers, orders, starting and completing a payment, settling, receipts;
- ``refunds``: refunds staff make, and those the processor tells us of;
- ``webhooks``: a verified processor event, applied exactly once;
- ``disputes``: processor and member disputes, their messages and evidence.

Calls to a processor are made **outside** any database transaction (a slow
processor must not hold the database), with the order's own idempotency keys so
that a retried call never charges or refunds twice. What comes back is then
applied in one transaction, under a lock on the order, by :func:`settle`, which
only ever moves an order forward: a late or repeated event changes nothing it
should not (ADR 0013). Refusals are :class:`petite.core.errors.ActionRefused`.
"""

from __future__ import annotations

from .disputes import (
    MAGIC,
    REASONS,
    add_dispute_evidence,
    change_dispute_status,
    check_evidence,
    open_member_dispute,
    post_dispute_message,
    record_processor_dispute,
    sweep_orphan_evidence,
)
from .orders import (
    cancel_order,
    complete_payment,
    create_order,
    delete_offer,
    save_offer,
    settle,
    start_payment,
)
from .refunds import refund_order
from .webhooks import forget_old_webhook_events, handle_event

__all__ = [
    "MAGIC",
    "REASONS",
    "add_dispute_evidence",
    "cancel_order",
    "change_dispute_status",
    "check_evidence",
    "complete_payment",
    "create_order",
    "delete_offer",
    "forget_old_webhook_events",
    "handle_event",
    "open_member_dispute",
    "post_dispute_message",
    "record_processor_dispute",
    "refund_order",
    "save_offer",
    "settle",
    "start_payment",
    "sweep_orphan_evidence",
]
