"""A pretend processor for demonstrations (``PETITE_PAYMENTS_DEMO=1``): no money moves.

It shows the whole flow (order, payment, receipt, refund, dispute) on a machine
with no processor keys and no internet. Nothing leaves the Platform, so nothing
is written to the disclosure log. Never switch it on in production.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import Order
from .base import (
    Checkout,
    Event,
    InvalidWebhook,
    Outcome,
    PaymentState,
    Provider,
    RefundResult,
)

DECISION_KEY = "payments:demo:{reference}"


def decide(order: Order, *, pay: bool) -> None:
    """What the member chose on the demo page, read back by ``complete``."""
    outcome = Outcome.SUCCEEDED if pay else Outcome.FAILED
    cache.set(DECISION_KEY.format(reference=order.reference), outcome.value, 3600)


class DemoProvider(Provider):
    key = "demo"
    name = _("Demo (no money moves)")
    recipient = None
    SENT = {}

    def is_configured(self) -> bool:
        return bool(settings.PETITE_PAYMENTS_DEMO)

    def start(self, order: Order, *, return_url: str, cancel_url: str) -> Checkout:
        reference = order.provider_reference or f"demo-{order.reference}"
        return Checkout(
            reference=reference,
            redirect_url=reverse("payments:demo", args=[order.public_id]),
            created=False,
        )

    def complete(self, order: Order) -> PaymentState:
        decision = cache.get(DECISION_KEY.format(reference=order.reference))
        outcome = Outcome(decision) if decision else Outcome.PENDING
        return PaymentState(
            reference=order.provider_reference,
            outcome=outcome,
            charge_reference=f"{order.provider_reference}-charge"
            if outcome is Outcome.SUCCEEDED
            else "",
            amount_cents=order.amount_cents,
            failure_code="demo_declined" if outcome is Outcome.FAILED else "",
        )

    def refund(self, order: Order, *, amount_cents: int, idempotency_key: str) -> RefundResult:
        return RefundResult(reference=f"demo-refund-{idempotency_key[-12:]}", succeeded=True)

    def parse_webhook(self, request: HttpRequest) -> Event:
        raise InvalidWebhook("the demo processor sends no webhooks")
