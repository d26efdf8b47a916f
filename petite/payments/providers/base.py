"""The interface every payment processor implements (ADR 0013).

A processor is one module in this package with a ``Provider`` subclass; the
settings say which are offered. The rest of the app (actions, views, webhooks)
speaks only this interface, so a third processor is a new module, not a rewrite.

**What leaves the Platform (S1).** Each operation that sends data names the
fields it sends, with their data category, in ``SENT`` (``{"start": {...},
"refund": {...}}``). The actions write exactly that to the member's disclosure
log each time the operation is called, and the tests compare it with what the
fake processors received.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from petite.core.errors import ActionRefused
from petite.privacy.categories import Category
from petite.privacy.recipients import Recipient

if TYPE_CHECKING:
    from ..models import Order


class PaymentError(ActionRefused):
    """A processor call did not work; ``message`` is for the member, ``code`` for the logs.

    An :class:`ActionRefused`, so views catch it with every other refusal. The
    class attribute is the default message of each kind of failure.
    """

    message: Promise | str = _("The payment could not be processed. Nothing was charged.")

    def __init__(self, message: Promise | str | None = None, *, code: str = "") -> None:
        super().__init__(message if message is not None else type(self).message, code=code)


class NotConfigured(PaymentError):
    message = _("Payments with this processor are not configured on this Platform.")


class ProviderUnavailable(PaymentError):
    """Down, slow or answering with an error: the order stays pending, the member may retry."""

    message = _(
        "The payment service is not answering right now. Your order is still waiting for "
        "payment and nothing was charged: please try again in a few minutes."
    )


class PaymentDeclined(PaymentError):
    message = _(
        "The payment was declined. Nothing was charged: you can try again with another "
        "card or account."
    )


class InvalidWebhook(Exception):
    """A webhook whose signature or content cannot be trusted: refused, nothing done."""


class Outcome(StrEnum):
    """Where a payment stands, in the processor's own judgement."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class Checkout:
    """How the member continues a payment: a redirect (PayPal's approval page), or
    a page of ours with the processor's own card form (Stripe's Payment Element)."""

    reference: str
    redirect_url: str = ""
    client_secret: str = ""
    # False when an existing payment was found again (nothing new was sent).
    created: bool = True


@dataclass(frozen=True)
class PaymentState:
    reference: str
    outcome: Outcome
    charge_reference: str = ""
    amount_cents: int = 0
    failure_code: str = ""


@dataclass(frozen=True)
class RefundResult:
    reference: str
    succeeded: bool
    pending: bool = False


class EventKind(StrEnum):
    PAYMENT_APPROVED = "payment_approved"  # the member approved; we still capture
    PAYMENT_SUCCEEDED = "payment_succeeded"
    PAYMENT_FAILED = "payment_failed"
    REFUNDED = "refunded"
    DISPUTE = "dispute"
    IGNORED = "ignored"


@dataclass(frozen=True)
class DisputeInfo:
    reference: str
    status: str  # one of Dispute.Status values
    reason: str
    amount_cents: int
    respond_by: datetime | None = None
    closed: bool = False


@dataclass(frozen=True)
class Event:
    """A verified webhook event, reduced to what the Platform acts on."""

    id: str
    type: str
    kind: EventKind
    # Any of the references the order may be found by (payment, charge, our own).
    payment_reference: str = ""
    charge_reference: str = ""
    order_reference: str = ""
    amount_cents: int = 0
    refunded_cents: int = 0
    failure_code: str = ""
    dispute: DisputeInfo | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


class Provider:
    """One payment processor. Subclasses implement every method."""

    key: ClassVar[str]
    name: ClassVar[Promise | str]
    recipient: ClassVar[Recipient | None]
    # Fields sent per operation, with their category: written to the disclosure log.
    SENT: ClassVar[Mapping[str, Mapping[str, Category]]] = {}
    # The member enters payment details on a page of ours (Stripe) or the processor's.
    uses_own_page: ClassVar[bool] = False

    def is_configured(self) -> bool:
        raise NotImplementedError

    def start(self, order: Order, *, return_url: str, cancel_url: str) -> Checkout:
        """Create (or find again) the processor's payment for ``order``."""
        raise NotImplementedError

    def complete(self, order: Order) -> PaymentState:
        """Where the payment stands when the member comes back (PayPal captures here)."""
        raise NotImplementedError

    def refund(self, order: Order, *, amount_cents: int, idempotency_key: str) -> RefundResult:
        raise NotImplementedError

    def parse_webhook(self, request: HttpRequest) -> Event:
        """Verify the webhook's signature and read it; raises InvalidWebhook."""
        raise NotImplementedError
