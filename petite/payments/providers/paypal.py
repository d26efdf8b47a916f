"""PayPal, with the official ``paypal-server-sdk``: Orders v2 (create, approve, capture).

The member approves the payment on PayPal's own page; coming back (or PayPal's
``CHECKOUT.ORDER.APPROVED`` webhook, if they never come back) makes us capture
it. The Platform sends PayPal only the amount, the currency, its random order
reference and the addresses to come back to; PayPal is told not to ask for a
shipping address (``NO_SHIPPING``). The SDK has no webhook verification: that is
PayPal's ``verify-webhook-signature`` API call, made here with the SDK's token.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from paypalserversdk.configuration import Configuration, Environment, Server
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

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
    PaymentError,
    PaymentState,
    Provider,
    ProviderUnavailable,
    RefundResult,
)

logger = logging.getLogger(__name__)
TOKEN_CACHE_KEY = "payments:paypal:token"  # noqa: S105 (a cache key, not a secret)

DISPUTE_STATUSES = {
    "WAITING_FOR_SELLER_RESPONSE": "needs_response",
    "WAITING_FOR_BUYER_RESPONSE": "under_review",
    "UNDER_REVIEW": "under_review",
    "OPEN": "open",
    "RESOLVED": "resolved",
}
OUTCOMES = {
    "RESOLVED_SELLER_FAVOUR": "won",
    "RESOLVED_BUYER_FAVOUR": "lost",
}
WEBHOOK_HEADERS = {
    "auth_algo": "PAYPAL-AUTH-ALGO",
    "cert_url": "PAYPAL-CERT-URL",
    "transmission_id": "PAYPAL-TRANSMISSION-ID",
    "transmission_sig": "PAYPAL-TRANSMISSION-SIG",
    "transmission_time": "PAYPAL-TRANSMISSION-TIME",
}


class _Configuration(Configuration):
    """The SDK's configuration, with its address replaceable (a local fake in tests)."""

    def get_base_uri(self, server: Server = Server.DEFAULT) -> str:
        base = settings.PETITE_PAYPAL_API_BASE
        return str(base).rstrip("/") if base else str(super().get_base_uri(server))


def _money(cents: int, currency: str) -> dict[str, str]:
    return {"currency_code": currency.upper(), "value": f"{cents // 100}.{cents % 100:02d}"}


def _cents(money: Mapping[str, Any] | None) -> int:
    value = str((money or {}).get("value") or "0")
    units, _dot, decimals = value.partition(".")
    return int(units or 0) * 100 + int((decimals + "00")[:2])


def request_id(order: Order, operation: str) -> str:
    """PayPal-Request-Id: a repeated call answers with the first result (idempotency)."""
    return f"petite-{order.reference}-{operation}"


class PayPalProvider(Provider):
    key = "paypal"
    name = "PayPal"
    recipient = recipients.PAYPAL
    SENT = {
        # create order: purchase_units[0].amount, .custom_id, and our return addresses
        # (which carry nothing but the order's random id).
        "start": {
            "amount": categories.PAYMENTS,
            "currency": categories.PAYMENTS,
            "order_reference": categories.PAYMENTS,
        },
        # capture: the PayPal order id only.
        "complete": {"payment_reference": categories.PAYMENTS},
        "refund": {
            "payment_reference": categories.PAYMENTS,
            "amount": categories.PAYMENTS,
            "currency": categories.PAYMENTS,
        },
    }

    def is_configured(self) -> bool:
        return bool(
            settings.PETITE_PAYPAL_CLIENT_ID
            and settings.PETITE_PAYPAL_CLIENT_SECRET
            and settings.PETITE_PAYPAL_WEBHOOK_ID
        )

    def client(self) -> PaypalServersdkClient:
        credentials = ClientCredentialsAuthCredentials(
            o_auth_client_id=settings.PETITE_PAYPAL_CLIENT_ID,
            o_auth_client_secret=settings.PETITE_PAYPAL_CLIENT_SECRET,
            o_auth_token_provider=_cached_token,
        )
        live = settings.PETITE_PAYPAL_ENVIRONMENT == "live"
        config = _Configuration(
            timeout=settings.PETITE_PAYMENTS_TIMEOUT_SECONDS,
            max_retries=0,
            environment=Environment.PRODUCTION if live else Environment.SANDBOX,
            client_credentials_auth_credentials=credentials,
        )
        return PaypalServersdkClient(config=config)

    def start(self, order: Order, *, return_url: str, cancel_url: str) -> Checkout:
        orders = self.client().orders
        if order.provider_reference:
            found = _call(lambda: orders.get_order({"id": order.provider_reference}))
        else:
            body = {
                "intent": "CAPTURE",
                "purchase_units": [
                    {
                        "custom_id": order.reference,
                        "amount": _money(order.amount_cents, order.currency),
                    }
                ],
                "payment_source": {
                    "paypal": {
                        "experience_context": {
                            "shipping_preference": "NO_SHIPPING",
                            "user_action": "PAY_NOW",
                            "return_url": return_url,
                            "cancel_url": cancel_url,
                        }
                    }
                },
            }
            found = _call(
                lambda: orders.create_order(
                    {
                        "body": body,
                        "paypal_request_id": request_id(order, "start"),
                        "prefer": "return=minimal",
                    }
                )
            )
        link = next(
            (
                str(item.get("href"))
                for item in found.get("links", [])
                if item.get("rel") in ("payer-action", "approve")
            ),
            "",
        )
        return Checkout(
            reference=str(found.get("id", "")),
            redirect_url=link,
            created=not order.provider_reference,
        )

    def complete(self, order: Order) -> PaymentState:
        if not order.provider_reference:
            return PaymentState(reference="", outcome=Outcome.PENDING)
        orders = self.client().orders
        try:
            captured = _call(
                lambda: orders.capture_order(
                    {
                        "id": order.provider_reference,
                        "paypal_request_id": request_id(order, "capture"),
                        "prefer": "return=representation",
                    }
                ),
                raise_unprocessable=True,
            )
        except _Unprocessable as problem:
            if problem.issue == "ORDER_NOT_APPROVED":
                return PaymentState(reference=order.provider_reference, outcome=Outcome.PENDING)
            if problem.issue == "ORDER_ALREADY_CAPTURED":
                captured = _call(lambda: orders.get_order({"id": order.provider_reference}))
            else:
                return PaymentState(
                    reference=order.provider_reference,
                    outcome=Outcome.FAILED,
                    failure_code=problem.issue.lower()[:60],
                )
        return _order_state(captured)

    def refund(self, order: Order, *, amount_cents: int, idempotency_key: str) -> RefundResult:
        payments = self.client().payments
        refunded = _call(
            lambda: payments.refund_captured_payment(
                {
                    "capture_id": order.provider_charge_reference,
                    "body": {"amount": _money(amount_cents, order.currency)},
                    "paypal_request_id": idempotency_key,
                    "prefer": "return=minimal",
                }
            )
        )
        status = str(refunded.get("status", ""))
        return RefundResult(
            reference=str(refunded.get("id", "")),
            succeeded=status == "COMPLETED",
            pending=status == "PENDING",
        )

    def parse_webhook(self, request: HttpRequest) -> Event:
        webhook_id = settings.PETITE_PAYPAL_WEBHOOK_ID
        headers = {
            name: request.headers.get(header, "") for name, header in WEBHOOK_HEADERS.items()
        }
        if not webhook_id or not all(headers.values()):
            raise InvalidWebhook("unsigned")
        try:
            payload = json.loads(request.body)
        except ValueError as error:
            raise InvalidWebhook("malformed") from error
        if not isinstance(payload, dict):
            raise InvalidWebhook("malformed")
        if not self._verify(headers, webhook_id, request.body):
            raise InvalidWebhook("bad signature")
        return read_event(payload)

    def _verify(self, headers: dict[str, str], webhook_id: str, raw: bytes) -> bool:
        """PayPal's verify-webhook-signature call, with the event exactly as received."""
        fields = {**headers, "webhook_id": webhook_id}
        head = json.dumps(fields)[:-1]
        body = (head + ', "webhook_event": ').encode() + raw + b"}"
        token = _cached_token(None, self.client().oauth_2)
        if token is None:
            raise ProviderUnavailable(code="no_token")
        base = _Configuration(environment=_environment()).get_base_uri()
        if not base.startswith(("https://", "http://")):
            raise InvalidWebhook("PayPal's address is not http(s)")
        call = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
            base + "/v1/notifications/verify-webhook-signature",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token.access_token}",
            },
        )
        try:
            with urllib.request.urlopen(  # noqa: S310 (http(s) only, checked above)
                call, timeout=settings.PETITE_PAYMENTS_TIMEOUT_SECONDS
            ) as response:
                answer = json.loads(response.read())
        except (OSError, ValueError) as error:
            raise ProviderUnavailable(code="verify_failed") from error
        return bool(answer.get("verification_status") == "SUCCESS")


def _environment() -> Environment:
    live = settings.PETITE_PAYPAL_ENVIRONMENT == "live"
    return Environment.PRODUCTION if live else Environment.SANDBOX


def _cached_token(last: Any, auth_manager: Any) -> Any:
    """The SDK's OAuth token, shared between calls (and processes, with Redis) until it expires."""
    cached = cache.get(TOKEN_CACHE_KEY)
    if cached is not None:
        return cached
    try:
        token = auth_manager.fetch_token()
    except ApiException as error:
        status = int(getattr(error, "response_code", 0) or 0)
        if status >= 500 or status in (408, 429):
            raise ProviderUnavailable(code=f"token_http_{status}") from error
        logger.error("PayPal refused our credentials (HTTP %s)", status)
        raise PaymentError(code="paypal_credentials") from error
    except OSError as error:
        raise ProviderUnavailable(code="token_unreachable") from error
    lifetime = int(getattr(token, "expires_in", 0) or 0)
    if lifetime > 120:
        cache.set(TOKEN_CACHE_KEY, token, lifetime - 60)
    return token


class _Unprocessable(Exception):
    def __init__(self, issue: str) -> None:
        self.issue = issue
        super().__init__(issue)


def _call(operation: Any, *, raise_unprocessable: bool = False) -> dict[str, Any]:
    """Run one SDK call; its JSON answer, or the interface's exceptions."""
    try:
        response = operation()
    except ProviderUnavailable:
        raise
    except ApiException as error:
        status = int(getattr(error, "response_code", 0) or 0)
        if raise_unprocessable and status == 422:
            raise _Unprocessable(_issue(getattr(error, "response", None))) from error
        if status >= 500 or status in (408, 429):
            raise ProviderUnavailable(code=f"http_{status}") from error
        logger.error("PayPal refused a request (HTTP %s)", status)
        raise PaymentError(code=f"http_{status}") from error
    except OSError as error:  # requests' timeouts and connection errors
        raise ProviderUnavailable(code=type(error).__name__) from error
    status = int(getattr(response, "status_code", 0) or 0)
    if status >= 500 or status in (408, 429):
        raise ProviderUnavailable(code=f"http_{status}")
    if raise_unprocessable and status == 422:
        raise _Unprocessable(_issue(response))
    if status >= 400 or not getattr(response, "text", ""):
        logger.error("PayPal refused a request (HTTP %s)", status)
        raise PaymentError(code=f"http_{status}")
    answer = json.loads(response.text)
    if not isinstance(answer, dict):
        raise PaymentError(code="malformed")
    return answer


def _issue(response: Any) -> str:
    try:
        details = json.loads(getattr(response, "text", "") or "{}").get("details") or [{}]
        return str(details[0].get("issue") or "UNPROCESSABLE")
    except (ValueError, AttributeError, IndexError):
        return "UNPROCESSABLE"


def _order_state(order: Mapping[str, Any]) -> PaymentState:
    units = order.get("purchase_units") or [{}]
    captures = ((units[0].get("payments") or {}).get("captures")) or []
    capture = captures[0] if captures else {}
    capture_status = str(capture.get("status", ""))
    if order.get("status") == "COMPLETED" and capture_status in ("COMPLETED", ""):
        outcome = Outcome.SUCCEEDED
    elif capture_status in ("DECLINED", "FAILED"):
        outcome = Outcome.FAILED
    else:
        outcome = Outcome.PENDING
    return PaymentState(
        reference=str(order.get("id", "")),
        outcome=outcome,
        charge_reference=str(capture.get("id", "")),
        amount_cents=_cents(capture.get("amount") or units[0].get("amount")),
        failure_code="capture_declined" if outcome is Outcome.FAILED else "",
    )


def read_event(payload: Mapping[str, Any]) -> Event:
    event_id = str(payload.get("id", ""))
    event_type = str(payload.get("event_type", ""))
    resource = payload.get("resource") or {}
    if not event_id or not isinstance(resource, dict):
        raise InvalidWebhook("malformed")
    if event_type == "CHECKOUT.ORDER.APPROVED":
        units = resource.get("purchase_units") or [{}]
        return Event(
            event_id,
            event_type,
            EventKind.PAYMENT_APPROVED,
            payment_reference=str(resource.get("id", "")),
            order_reference=str(units[0].get("custom_id") or ""),
        )
    if event_type in (
        "PAYMENT.CAPTURE.COMPLETED",
        "PAYMENT.CAPTURE.DENIED",
        "PAYMENT.CAPTURE.DECLINED",
    ):
        related = (resource.get("supplementary_data") or {}).get("related_ids") or {}
        succeeded = event_type == "PAYMENT.CAPTURE.COMPLETED"
        return Event(
            event_id,
            event_type,
            EventKind.PAYMENT_SUCCEEDED if succeeded else EventKind.PAYMENT_FAILED,
            payment_reference=str(related.get("order_id") or ""),
            charge_reference=str(resource.get("id", "")),
            order_reference=str(resource.get("custom_id") or ""),
            amount_cents=_cents(resource.get("amount")),
            failure_code="" if succeeded else "capture_declined",
        )
    if event_type == "PAYMENT.CAPTURE.REFUNDED":
        breakdown = resource.get("seller_payable_breakdown") or {}
        total = breakdown.get("total_refunded_amount") or resource.get("amount")
        capture_id = ""
        for link in resource.get("links") or []:
            if link.get("rel") == "up":
                capture_id = str(link.get("href", "")).rstrip("/").rsplit("/", 1)[-1]
        return Event(
            event_id,
            event_type,
            EventKind.REFUNDED,
            charge_reference=capture_id,
            order_reference=str(resource.get("custom_id") or ""),
            refunded_cents=_cents(total),
        )
    if event_type.startswith("CUSTOMER.DISPUTE."):
        transactions = resource.get("disputed_transactions") or [{}]
        outcome = (resource.get("dispute_outcome") or {}).get("outcome_code", "")
        status = OUTCOMES.get(str(outcome)) or DISPUTE_STATUSES.get(
            str(resource.get("status", "")), "open"
        )
        due = resource.get("seller_response_due_date")
        return Event(
            event_id,
            event_type,
            EventKind.DISPUTE,
            charge_reference=str(transactions[0].get("seller_transaction_id") or ""),
            order_reference=str(transactions[0].get("custom") or ""),
            dispute=DisputeInfo(
                reference=str(resource.get("dispute_id", "")),
                status=status,
                reason=str(resource.get("reason", ""))[:200],
                amount_cents=_cents(resource.get("dispute_amount")),
                respond_by=_parse_time(due),
                closed=status in ("won", "lost", "resolved"),
            ),
        )
    return Event(event_id, event_type, EventKind.IGNORED)


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
