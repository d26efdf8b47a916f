"""Refunds: staff give money back through the processor; the processor tells us of its own."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core import audit
from petite.core.errors import ActionRefused

from .. import providers
from ..models import (
    SETTLED_STATUSES,
    Order,
    Receipt,
    Refund,
)
from ..providers.base import (
    Event,
    Outcome,
    PaymentState,
)
from .orders import _disclose, settle

logger = logging.getLogger(__name__)


# --- Refunds (back-office) ----------------------------------------------------------


def refund_order(*, order: Order, amount_cents: int, actor: Member) -> Refund:
    """Give back ``amount_cents`` of a paid order through its processor.

    The refund row (and its idempotency key) is written first: if the processor
    does not answer, staff try again and the same key makes sure the member is
    refunded once.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED):
            raise ActionRefused(_("Only a paid order can be refunded."))
        if not 0 < amount_cents <= locked.refundable_cents:
            raise ActionRefused(_("The amount must be between 0.01 and what is left to refund."))
        waiting = Refund.objects.filter(
            order=locked, status__in=[Refund.Status.REQUESTED, Refund.Status.PENDING]
        ).first()
        retrying = (
            waiting is not None
            and waiting.status == Refund.Status.REQUESTED
            and waiting.amount_cents == amount_cents
        )
        if waiting is not None and not retrying:
            # Another amount under a new idempotency key could refund the member twice.
            raise ActionRefused(
                _(
                    "A refund of this order is still waiting for the processor's answer: "
                    "try again with the same amount, or wait until it is settled."
                )
            )
        refund = waiting or Refund.objects.create(
            order=locked,
            receipt=Receipt.objects.filter(order=locked).first(),
            amount_cents=amount_cents,
            idempotency_key=f"petite-{locked.reference}-refund-{get_random_string(12)}",
        )
    provider = providers.get(locked.provider)
    try:
        result = provider.refund(
            locked, amount_cents=amount_cents, idempotency_key=refund.idempotency_key
        )
    finally:
        _disclose(provider, locked, "refund")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status in (Refund.Status.SUCCEEDED, Refund.Status.FAILED):
            return refund  # settled meanwhile (a double submit, or the webhook came first)
        refund.provider_reference = result.reference
        if result.succeeded:
            refund.status = Refund.Status.SUCCEEDED
            _add_refunded(locked, amount_cents)
        elif result.pending:
            refund.status = Refund.Status.PENDING
        else:
            refund.status = Refund.Status.FAILED
        refund.save(update_fields=["provider_reference", "status"])
        audit.record(
            "payments.refund",
            actor=actor,
            target=locked,
            refund=refund.pk,
            amount_cents=amount_cents,
            status=refund.status,
        )
    return refund


def _add_refunded(order: Order, amount_cents: int) -> None:
    order.refunded_cents = min(order.amount_cents, order.refunded_cents + amount_cents)
    order.status = (
        Order.Status.REFUNDED
        if order.refunded_cents >= order.amount_cents
        else Order.Status.PARTIALLY_REFUNDED
    )
    order.save(update_fields=["refunded_cents", "status", "updated_at"])


def _refunded_by_processor(order: Order, total_cents: int, event: Event) -> None:
    """The processor says ``total_cents`` is refunded in all: record what we did not know."""
    if order.status not in SETTLED_STATUSES:
        # A refund proves the payment: the success event may simply be late.
        order = settle(
            order=order,
            state=PaymentState(
                reference=event.payment_reference,
                outcome=Outcome.SUCCEEDED,
                charge_reference=event.charge_reference,
            ),
            via="webhook",
        )
    order = Order.objects.select_for_update().get(pk=order.pk)
    missing = min(total_cents, order.amount_cents) - order.refunded_cents
    if missing <= 0:
        return
    requested = Refund.objects.filter(
        order=order, status__in=(Refund.Status.REQUESTED, Refund.Status.PENDING)
    ).filter(amount_cents=missing)
    refund = requested.first()
    if refund is not None:
        refund.status = Refund.Status.SUCCEEDED
        refund.save(update_fields=["status"])
    else:
        refund = Refund.objects.create(
            order=order,
            receipt=Receipt.objects.filter(order=order).first(),
            amount_cents=missing,
            status=Refund.Status.SUCCEEDED,
            provider_reference=event.charge_reference[:100],
            idempotency_key=f"processor-{order.provider}-{event.id}"[:80],
        )
    _add_refunded(order, missing)
    audit.record("payments.refunded_by_processor", target=order, refund=refund.pk)
