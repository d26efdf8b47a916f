"""Webhooks: a verified processor event applied exactly once."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import providers, selectors
from ..models import (
    Order,
    WebhookEvent,
)
from ..providers.base import (
    Event,
    EventKind,
    Outcome,
    PaymentState,
)
from .disputes import record_processor_dispute
from .orders import _complete, settle
from .refunds import _refunded_by_processor

logger = logging.getLogger(__name__)


def handle_event(*, provider_key: str, event: Event) -> str:
    """Apply one verified webhook event, exactly once; returns what was done.

    The event's id is written in the same transaction as its effect, so an event
    is either fully applied or not at all (the processor sends it again), and a
    replay finds the id and does nothing.
    """
    if WebhookEvent.objects.filter(provider=provider_key, event_id=event.id).exists():
        return "duplicate"
    order = selectors.order_for_event(provider_key, event)
    state: PaymentState | None = None
    if event.kind is EventKind.PAYMENT_APPROVED and order is not None and order.is_payable:
        # The member approved but may never come back: capture now (idempotent).
        state = _complete(providers.get(provider_key), order)
    with transaction.atomic():
        try:
            # Only this insert can say "duplicate" (its own savepoint): any other
            # failure rolls the event back and answers 5xx, so the processor resends it.
            with transaction.atomic():
                WebhookEvent.objects.create(
                    provider=provider_key, event_id=event.id[:120], event_type=event.type[:80]
                )
        except IntegrityError:
            # The same event, delivered twice at the same moment: the other delivery won.
            return "duplicate"
        outcome = _apply_event(provider_key, event, order, state)
        WebhookEvent.objects.filter(provider=provider_key, event_id=event.id[:120]).update(
            outcome=outcome
        )
    return outcome


def _apply_event(
    provider_key: str, event: Event, order: Order | None, state: PaymentState | None
) -> str:
    if event.kind is EventKind.DISPUTE and event.dispute is not None:
        record_processor_dispute(source=provider_key, info=event.dispute, order=order)
        return "dispute"
    if event.kind is EventKind.IGNORED:
        return "ignored"
    if order is None:
        logger.warning("A %s event names no known order", provider_key)
        return "unknown_order"
    if event.kind is EventKind.PAYMENT_APPROVED:
        if state is not None:
            settle(order=order, state=state, via="webhook")
        return "approved"
    if event.kind is EventKind.PAYMENT_SUCCEEDED:
        settle(
            order=order,
            state=PaymentState(
                reference=event.payment_reference,
                outcome=Outcome.SUCCEEDED,
                charge_reference=event.charge_reference,
                amount_cents=event.amount_cents,
            ),
            via="webhook",
        )
        return "succeeded"
    if event.kind is EventKind.PAYMENT_FAILED:
        settle(
            order=order,
            state=PaymentState(
                reference=event.payment_reference,
                outcome=Outcome.FAILED,
                failure_code=event.failure_code,
            ),
            via="webhook",
        )
        return "failed"
    if event.kind is EventKind.REFUNDED:
        _refunded_by_processor(order, event.refunded_cents, event)
        return "refunded"
    return "ignored"


def forget_old_webhook_events(*, now: Any = None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=settings.PETITE_WEBHOOK_EVENT_RETENTION_DAYS)
    deleted, _per_model = WebhookEvent.objects.filter(received_at__lt=cutoff).delete()
    return deleted
