"""Reads: a member's own orders, receipts and cases (object-level access lives here)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from .models import Dispute, Offer, Order, Receipt
from .providers.base import Event


def active_offers() -> QuerySet[Offer]:
    return Offer.objects.filter(active=True)


def orders_of(member: Any) -> QuerySet[Order]:
    return Order.objects.filter(member=member).select_related("offer")


def own_order(member: Any, public_id: UUID) -> Order:
    """The member's order; 404 for anyone else, staff included (they use the back-office)."""
    order = orders_of(member).filter(public_id=public_id).first()
    if order is None:
        raise Http404
    return order


def own_receipt(member: Any, public_id: UUID) -> Receipt:
    receipt = Receipt.objects.filter(member=member, public_id=public_id).first()
    if receipt is None:
        raise Http404
    return receipt


def own_dispute(member: Any, public_id: UUID) -> Dispute:
    dispute = Dispute.objects.filter(member=member, public_id=public_id).first()
    if dispute is None:
        raise Http404
    return dispute


def disputes_of(member: Any) -> QuerySet[Dispute]:
    return Dispute.objects.filter(member=member).order_by("-opened_at")


def order_for_event(provider_key: str, event: Event) -> Order | None:
    """The order a processor's event is about: by its payment, its charge, or our reference."""
    orders = Order.objects.filter(provider=provider_key)
    for field, value in (
        ("provider_reference", event.payment_reference),
        ("provider_charge_reference", event.charge_reference),
        ("reference", event.order_reference),
    ):
        if value:
            found = orders.filter(**{field: value}).first()
            if found is not None:
                return found
    return None
