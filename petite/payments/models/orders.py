"""Offers, orders, and the processor events already applied to them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal

from .common import CURRENCY, _order_reference, format_amount


class Offer(models.Model):
    """Something the Platform sells, managed in the back-office."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    price_cents = models.PositiveIntegerField(
        _("price (euro cents)"),
        validators=[MinValueValidator(50), MaxValueValidator(1_000_000)],
        help_text=_("In cents: 1250 is 12.50 EUR. Stripe refuses less than 0.50 EUR."),
    )
    active = models.BooleanField(_("on sale"), default=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["price_cents", "slug"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return self.name_fr if translation.get_language() == "fr" else self.name_en

    @property
    def description(self) -> str:
        if translation.get_language() == "fr":
            return self.description_fr or self.description_en
        return self.description_en

    @property
    def price(self) -> str:
        return format_amount(self.price_cents)


class Order(models.Model):
    """A member's order of one offer, and the state of its payment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Payment failed")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(
        _("order reference"), max_length=20, unique=True, default=_order_reference
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="orders",
        verbose_name=_("member"),
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="orders", verbose_name=_("offer")
    )
    # What was bought, as the member saw it when ordering.
    item_name = models.CharField(_("item"), max_length=120)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3, default=CURRENCY)
    provider = models.CharField(_("payment processor"), max_length=20)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # The processor's payment (Stripe PaymentIntent, PayPal order) and the money
    # movement inside it (Stripe charge, PayPal capture), for refunds and disputes.
    provider_reference = models.CharField(
        _("processor's payment reference"), max_length=100, blank=True, db_index=True
    )
    provider_charge_reference = models.CharField(
        _("processor's charge reference"), max_length=100, blank=True, db_index=True
    )
    refunded_cents = models.PositiveIntegerField(_("refunded (cents)"), default=0)
    # The processor's reason code for the last failure ("card_declined"), never a message.
    failure_code = models.CharField(_("failure reason"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("ordered"), default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    class Privacy:
        area = areas.ORDERS
        label = _("Orders")
        description = _("What you ordered, the price and how you paid.")
        subject = "member"
        manage_url = "payments:orders"
        fields = {
            "member": Personal(categories.PAYMENTS, ["P3"], Erasure.DELETE),
            "offer": Personal(categories.PAYMENTS, ["P3"], Erasure.DELETE),
            "item_name": Personal(categories.PAYMENTS, ["P3"], Erasure.DELETE),
            "amount_cents": Personal(categories.PAYMENTS, ["P3"], Erasure.DELETE),
            "provider": Personal(categories.PAYMENTS, ["P3"], Erasure.DELETE),
            "status": Personal(categories.PAYMENTS, ["P3"], Erasure.DELETE),
            "provider_reference": Personal(categories.PAYMENTS, ["P3"], Erasure.DELETE),
            "provider_charge_reference": Personal(categories.PAYMENTS, ["P3"], Erasure.DELETE),
            "refunded_cents": Personal(categories.PAYMENTS, ["P3"], Erasure.DELETE),
            "failure_code": Personal(categories.PAYMENTS, ["P3"], Erasure.DELETE),
            "created_at": Personal(categories.PAYMENTS, ["P3"], Erasure.DELETE),
            "paid_at": Personal(categories.PAYMENTS, ["P3"], Erasure.DELETE),
        }
        technical = ["id", "public_id", "reference", "currency", "updated_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def amount(self) -> str:
        return format_amount(self.amount_cents, self.currency)

    @property
    def refundable_cents(self) -> int:
        return self.amount_cents - self.refunded_cents

    @property
    def is_payable(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.FAILED)

    @property
    def is_settled(self) -> bool:
        return self.status in SETTLED_STATUSES


SETTLED_STATUSES = (
    Order.Status.PAID,
    Order.Status.PARTIALLY_REFUNDED,
    Order.Status.REFUNDED,
)


class WebhookEvent(models.Model):
    """A processor's event, recorded once: what makes webhook handling replay-safe.

    Only the event's id and type are kept, never its content (which may carry
    what the member typed on the processor's page).
    """

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=120)
    event_type = models.CharField(max_length=80)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    outcome = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payments_webhook_event_once"
            )
        ]
        verbose_name = _("processor event")
        verbose_name_plural = _("processor events")

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"
