"""Stripe, with the official SDK: a PaymentIntent per order (ADR 0013).

The member types their card into Stripe's Payment Element (Stripe's own iframe
on our payment page): card details go from the browser to Stripe and never
through the Platform. The Platform sends Stripe only the amount, the currency
and its random order reference.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings
from django.http import HttpRequest

from petite.privacy import categories
from petite.privacy.recipients import recipients

from ..models import Order
from .base import (
    Checkout,
    DisputeInfo,
    Event,
    EventKind,
    InvalidWebhook,
    Outcome,
    PaymentDeclined,
    PaymentError,
    PaymentState,
    Provider,
    ProviderUnavailable,
    RefundResult,
)

logger = logging.getLogger(__name__)

DISPUTE_STATUSES = {
    "warning_needs_response": "needs_response",
    "needs_response": "needs_response",
    "warning_under_review": "under_review",
    "under_review": "under_review",
    "won": "won",
    "lost": "lost",
    "warning_closed": "resolved",
    "charge_refunded": "resolved",
}
CLOSED_DISPUTE_STATUSES = {"won", "lost", "resolved"}


def idempotency_key(order: Order, operation: str) -> str:
    """The same order and operation always give the same key: Stripe answers a
    repeated call with the first result instead of charging again."""
    return f"petite-{order.reference}-{operation}"


class StripeProvider(Provider):
    key = "stripe"
    name = "Stripe"
    recipient = recipients.STRIPE
    uses_own_page = True
    SENT = {
        # payment_intents.create: amount, currency, metadata[order]. The card
        # details are typed into Stripe's own form and never reach us.
        "start": {
            "amount": categories.PAYMENTS,
            "currency": categories.PAYMENTS,
            "order_reference": categories.PAYMENTS,
        },
        # refunds.create: which payment, how much.
        "refund": {
            "payment_reference": categories.PAYMENTS,
            "amount": categories.PAYMENTS,
        },
    }

    def is_configured(self) -> bool:
        return bool(
            settings.PETITE_STRIPE_SECRET_KEY
            and settings.PETITE_STRIPE_PUBLISHABLE_KEY
            and settings.PETITE_STRIPE_WEBHOOK_SECRET
        )

    @property
    def publishable_key(self) -> str:
        return str(settings.PETITE_STRIPE_PUBLISHABLE_KEY)

    def client(self) -> stripe.StripeClient:
        base = settings.PETITE_STRIPE_API_BASE
        return stripe.StripeClient(
            settings.PETITE_STRIPE_SECRET_KEY,
            base_addresses={"api": base} if base else None,
            # No silent retries: the member retries, with the same idempotency key.
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=settings.PETITE_PAYMENTS_TIMEOUT_SECONDS),
        )

    def start(self, order: Order, *, return_url: str, cancel_url: str) -> Checkout:
        with _translated_errors():
            intents = self.client().v1.payment_intents
            if order.provider_reference:
                # One PaymentIntent per order, ever: coming back resumes it.
                intent = intents.retrieve(order.provider_reference)
            else:
                intent = intents.create(
                    params={
                        "amount": order.amount_cents,
                        "currency": order.currency,
                        "metadata": {"order": order.reference},
                    },
                    options={"idempotency_key": idempotency_key(order, "start")},
                )
        return Checkout(
            reference=intent.id,
            client_secret=intent.client_secret or "",
            created=not order.provider_reference,
        )

    def complete(self, order: Order) -> PaymentState:
        if not order.provider_reference:
            return PaymentState(reference="", outcome=Outcome.PENDING)
        with _translated_errors():
            intent = self.client().v1.payment_intents.retrieve(order.provider_reference)
        return _state(intent.to_dict())

    def refund(self, order: Order, *, amount_cents: int, idempotency_key: str) -> RefundResult:
        with _translated_errors():
            refund = self.client().v1.refunds.create(
                params={"payment_intent": order.provider_reference, "amount": amount_cents},
                options={"idempotency_key": idempotency_key},
            )
        return RefundResult(
            reference=refund.id,
            succeeded=refund.status == "succeeded",
            pending=refund.status == "pending",
        )

    def parse_webhook(self, request: HttpRequest) -> Event:
        secret = settings.PETITE_STRIPE_WEBHOOK_SECRET
        signature = request.headers.get("Stripe-Signature", "")
        if not secret or not signature:
            raise InvalidWebhook("unsigned")
        try:
            stripe.Webhook.construct_event(request.body, signature, secret)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise InvalidWebhook("bad signature") from error
        # The signature covers these exact bytes: read them as plain JSON.
        payload = json.loads(request.body)
        return read_event(payload)


def read_event(payload: Mapping[str, Any]) -> Event:
    event_id = str(payload.get("id", ""))
    event_type = str(payload.get("type", ""))
    obj = (payload.get("data") or {}).get("object") or {}
    if not event_id or not isinstance(obj, dict):
        raise InvalidWebhook("malformed")
    if event_type == "payment_intent.succeeded":
        state = _state(obj)
        return Event(
            event_id,
            event_type,
            EventKind.PAYMENT_SUCCEEDED,
            payment_reference=state.reference,
            charge_reference=state.charge_reference,
            order_reference=_order_reference(obj),
            amount_cents=state.amount_cents,
        )
    if event_type == "payment_intent.payment_failed":
        state = _state(obj)
        return Event(
            event_id,
            event_type,
            EventKind.PAYMENT_FAILED,
            payment_reference=state.reference,
            order_reference=_order_reference(obj),
            failure_code=state.failure_code or "payment_failed",
        )
    if event_type == "charge.refunded":
        return Event(
            event_id,
            event_type,
            EventKind.REFUNDED,
            payment_reference=str(obj.get("payment_intent") or ""),
            charge_reference=str(obj.get("id") or ""),
            order_reference=_order_reference(obj),
            refunded_cents=int(obj.get("amount_refunded") or 0),
        )
    if event_type.startswith("charge.dispute."):
        status = DISPUTE_STATUSES.get(str(obj.get("status", "")), "open")
        due = (obj.get("evidence_details") or {}).get("due_by")
        return Event(
            event_id,
            event_type,
            EventKind.DISPUTE,
            payment_reference=str(obj.get("payment_intent") or ""),
            charge_reference=_id(obj.get("charge")),
            dispute=DisputeInfo(
                reference=str(obj.get("id", "")),
                status=status,
                reason=str(obj.get("reason", ""))[:200],
                amount_cents=int(obj.get("amount") or 0),
                respond_by=datetime.fromtimestamp(int(due), tz=UTC) if due else None,
                closed=status in CLOSED_DISPUTE_STATUSES or event_type == "charge.dispute.closed",
            ),
        )
    return Event(event_id, event_type, EventKind.IGNORED)


def _id(value: Any) -> str:
    """A Stripe reference that may come as its id or, expanded, as the object itself
    (a StripeObject, which is not a dict)."""
    if value is None or isinstance(value, str):
        return value or ""
    return str(value.get("id", "")) if hasattr(value, "get") else ""


def _order_reference(obj: Mapping[str, Any]) -> str:
    metadata = obj.get("metadata") or {}
    return str(metadata.get("order", "")) if isinstance(metadata, dict) else ""


def _state(intent: Mapping[str, Any]) -> PaymentState:
    status = intent.get("status")
    charge = _id(intent.get("latest_charge"))
    error = intent.get("last_payment_error") or {}
    failure = str(error.get("decline_code") or error.get("code") or "")
    if status == "succeeded":
        outcome = Outcome.SUCCEEDED
    elif status == "canceled" or (status == "requires_payment_method" and failure):
        outcome = Outcome.FAILED
    else:
        outcome = Outcome.PENDING
    return PaymentState(
        reference=str(intent.get("id", "")),
        outcome=outcome,
        charge_reference=str(charge),
        amount_cents=int(intent.get("amount") or 0),
        failure_code=failure[:60],
    )


class _translated_errors:
    """Stripe's exceptions, as the interface's: what the member is told depends on it."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _tb: Any
    ) -> None:
        if error is None or not isinstance(error, stripe.StripeError):
            return
        if isinstance(error, stripe.CardError):
            raise PaymentDeclined(code=str(error.code or "card_declined")) from error
        if isinstance(error, (stripe.APIConnectionError, stripe.RateLimitError)):
            raise ProviderUnavailable(code=type(error).__name__) from error
        if isinstance(error, stripe.APIError) or (error.http_status or 0) >= 500:
            raise ProviderUnavailable(code=type(error).__name__) from error
        # Our mistake (keys, parameters): logged without the message, which may quote data.
        logger.error("Stripe refused a request: %s", type(error).__name__)
        raise PaymentError(code=type(error).__name__) from error
