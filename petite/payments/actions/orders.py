"""Orders and payments: an order is created, paid through its processor, settled, receipted."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core import audit
from petite.core.deferred import follow_up
from petite.core.errors import ActionRefused
from petite.privacy import disclosures
from petite.privacy.categories import Category

from .. import providers
from ..models import (
    SETTLED_STATUSES,
    Offer,
    Order,
    Receipt,
    ReceiptSequence,
)
from ..providers.base import (
    Checkout,
    NotConfigured,
    Outcome,
    PaymentError,
    PaymentState,
    Provider,
)

logger = logging.getLogger(__name__)


send_receipt = follow_up("petite.payments.tasks.send_receipt")


# --- Orders and payments ------------------------------------------------------------


@transaction.atomic
def save_offer(*, offer: Offer, actor: Member | None, created: bool) -> Offer:
    """Put an offer on sale or change it (staff, in the back-office)."""
    offer.save()
    audit.record(
        "payments.offer_created" if created else "payments.offer_changed", actor=actor, target=offer
    )
    return offer


@transaction.atomic
def delete_offer(*, offer: Offer, actor: Member | None) -> None:
    """Remove an offer nobody ordered (one that was ordered is taken off sale instead)."""
    audit.record("payments.offer_deleted", actor=actor, target=offer)
    offer.delete()


@transaction.atomic
def create_order(*, member: Member, offer: Offer, provider_key: str) -> Order:
    """A member orders an offer, to be paid with ``provider_key``."""
    if not offer.active:
        raise ActionRefused(_("This offer is no longer on sale."))
    provider = providers.get(provider_key)
    if not provider.is_configured():
        raise ActionRefused(NotConfigured.message)
    order = Order.objects.create(
        member=member,
        offer=offer,
        item_name=offer.name,
        amount_cents=offer.price_cents,
        provider=provider.key,
    )
    audit.record("payments.order_created", actor=member, target=order, provider=provider.key)
    return order


def start_payment(*, order: Order, return_url: str, cancel_url: str) -> Checkout:
    """Create (or find again) the processor's payment; how the member goes on paying.

    Raises :class:`PaymentError` subclasses with a message for the member; the
    order then stays as it was (pending), and trying again is safe.
    """
    if not order.is_payable:
        raise ActionRefused(_("This order is not waiting for a payment."))
    provider = providers.get(order.provider)
    if not provider.is_configured():
        raise NotConfigured()
    creating = not order.provider_reference
    try:
        checkout = provider.start(order, return_url=return_url, cancel_url=cancel_url)
    except NotConfigured:
        raise
    except PaymentError as error:
        if creating:
            # The request may have reached the processor before it failed: logged as sent.
            _disclose(provider, order, "start", note=f"failed: {error.code}")
        raise
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if not locked.provider_reference and checkout.reference:
            locked.provider_reference = checkout.reference
            locked.save(update_fields=["provider_reference", "updated_at"])
        if checkout.created:
            _disclose(provider, locked, "start")
            audit.record("payments.payment_started", actor=locked.member, target=locked)
    order.refresh_from_db()
    return checkout


def complete_payment(*, order: Order) -> Order:
    """The member is back from the processor: ask where the payment stands and apply it."""
    provider = providers.get(order.provider)
    if not order.is_payable:
        return order
    state = _complete(provider, order)
    return settle(order=order, state=state, via="return")


def _complete(provider: Provider, order: Order) -> PaymentState:
    """Ask the processor to complete (capture) the payment; the request is logged as a
    disclosure even when it fails, since it may have reached the processor."""
    logged = "complete" in provider.SENT
    try:
        state = provider.complete(order)
    except PaymentError as error:
        if logged:
            _disclose(provider, order, "complete", note=f"failed: {error.code}")
        raise
    if logged:
        _disclose(provider, order, "complete")
    return state


@transaction.atomic
def cancel_order(*, order: Order, member: Member) -> Order:
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.member_id != member.pk or locked.status != Order.Status.PENDING:
        raise ActionRefused(_("Only an order waiting for payment can be cancelled."))
    locked.status = Order.Status.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit.record("payments.order_cancelled", actor=member, target=locked)
    return locked


@transaction.atomic
def settle(*, order: Order, state: PaymentState, via: str) -> Order:
    """Apply a processor's answer to an order; only ever moves it forward.

    A success settles a pending, failed or cancelled order (the money was taken:
    the member gets their receipt) and issues its receipt; a failure only touches
    a pending order. Repeating the same answer changes nothing.
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    changed: list[str] = []
    if state.reference and not locked.provider_reference:
        locked.provider_reference = state.reference
        changed.append("provider_reference")
    if state.charge_reference and not locked.provider_charge_reference:
        locked.provider_charge_reference = state.charge_reference
        changed.append("provider_charge_reference")
    if state.outcome is Outcome.SUCCEEDED and locked.status not in SETTLED_STATUSES:
        if state.amount_cents and state.amount_cents != locked.amount_cents:
            # Never settle for another amount than the order's: staff must look.
            logger.error("Payment amount differs from the order's (order %s)", locked.pk)
            audit.record("payments.amount_mismatch", target=locked, via=via)
            raise ActionRefused(_("The payment's amount does not match the order."))
        locked.status = Order.Status.PAID
        locked.paid_at = timezone.now()
        locked.failure_code = ""
        changed += ["status", "paid_at", "failure_code"]
    elif state.outcome is Outcome.FAILED and locked.status == Order.Status.PENDING:
        locked.status = Order.Status.FAILED
        locked.failure_code = state.failure_code[:60] or "failed"
        changed += ["status", "failure_code"]
    if not changed:
        return locked
    locked.save(update_fields=[*changed, "updated_at"])
    if "paid_at" in changed:
        audit.record("payments.order_paid", target=locked, via=via)
        receipt = _issue_receipt(locked)
        receipt_id = receipt.pk
        send_receipt.after_commit(receipt_id)
    elif "failure_code" in changed:
        audit.record("payments.payment_failed", target=locked, via=via, code=locked.failure_code)
    return locked


def _issue_receipt(order: Order) -> Receipt:
    """The next number of the year, in the transaction that settles the order (gapless)."""
    existing = Receipt.objects.filter(order=order).first()
    if existing is not None:
        return existing
    issued_at = timezone.now()
    year = timezone.localtime(issued_at).year
    ReceiptSequence.objects.bulk_create([ReceiptSequence(year=year)], ignore_conflicts=True)
    sequence = ReceiptSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    member = order.member
    receipt = Receipt.objects.create(
        number=f"{year}-{sequence.last_number:06d}",
        year=year,
        sequence=sequence.last_number,
        order=order,
        member=member,
        buyer_name=member.get_full_name()[:300],
        buyer_email=member.email,
        order_reference=order.reference,
        item_name=order.item_name,
        amount_cents=order.amount_cents,
        currency=order.currency,
        provider=order.provider,
        provider_reference=order.provider_reference,
        paid_at=order.paid_at or issued_at,
        issued_at=issued_at,
        language=member.language or settings.LANGUAGE_CODE,
    )
    audit.record("payments.receipt_issued", target=receipt, number=receipt.number)
    return receipt


def _disclose(provider: Provider, order: Order, operation: str, *, note: str = "") -> None:
    fields: Mapping[str, Category] = provider.SENT.get(operation, {})
    if provider.recipient is None or not fields:
        return
    reference = f"order {order.reference}: {operation}"
    disclosures.record(
        member=order.member,
        recipient=provider.recipient,
        purpose="P3",
        fields=fields,
        reference=f"{reference} ({note})" if note else reference,
    )
