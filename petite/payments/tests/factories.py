"""Orders in a given state, without a processor (for receipts, disputes, erasure)."""

from __future__ import annotations

import uuid

from petite.accounts.models import Member
from petite.payments import actions
from petite.payments.models import Offer, Order
from petite.payments.providers.base import Outcome, PaymentState


def pending_order(member: Member, offer: Offer, provider: str = "stripe") -> Order:
    return Order.objects.create(
        member=member,
        offer=offer,
        item_name=offer.name_en,
        amount_cents=offer.price_cents,
        provider=provider,
        provider_reference=f"pi_{uuid.uuid4().hex[:14]}",
    )


def paid_order(member: Member, offer: Offer, provider: str = "stripe") -> Order:
    order = pending_order(member, offer, provider)
    return actions.settle(
        order=order,
        state=PaymentState(
            reference=order.provider_reference,
            outcome=Outcome.SUCCEEDED,
            charge_reference=f"ch_{uuid.uuid4().hex[:14]}",
        ),
        via="test",
    )
