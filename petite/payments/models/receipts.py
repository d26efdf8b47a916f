"""Receipts (numbered without gaps, never changed) and refunds."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal

from .common import ACCOUNTING_REASON, ACCOUNTING_RETENTION, CURRENCY, format_amount
from .orders import Order


class ReceiptSequence(models.Model):
    """The last receipt number issued in a year (ADR 0014: gapless, per year)."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("receipt sequence")
        verbose_name_plural = _("receipt sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class ImmutableError(Exception):
    """A receipt, once issued, is never changed (only erasure pseudonymises it)."""


class Receipt(models.Model):
    """The numbered receipt of a paid order: an accounting record (ADR 0014)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=20, unique=True)
    year = models.PositiveIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number in the year"))
    order = models.OneToOneField(
        Order,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="receipt",
        verbose_name=_("order"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="receipts",
        verbose_name=_("member"),
    )
    buyer_name = models.CharField(_("buyer's name"), max_length=300)
    buyer_email = models.EmailField(_("buyer's e-mail address"), max_length=254)
    order_reference = models.CharField(_("order reference"), max_length=20)
    item_name = models.CharField(_("item"), max_length=120)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3, default=CURRENCY)
    provider = models.CharField(_("payment processor"), max_length=20)
    provider_reference = models.CharField(_("processor's payment reference"), max_length=100)
    paid_at = models.DateTimeField(_("paid"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, db_index=True)
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="payments_receipt_year_seq")
        ]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    class Privacy:
        area = areas.ORDERS
        label = _("Receipts")
        description = _("Receipts for your payments, which the law makes us keep.")
        subject = "member"
        timestamp = "issued_at"
        retention = ACCOUNTING_RETENTION
        manage_url = "payments:orders"
        fields = {
            "member": Personal(categories.RECEIPTS, ["P3"], Erasure.BLANK),
            "buyer_name": Personal(categories.IDENTITY, ["P3"], Erasure.ANONYMISE),
            "buyer_email": Personal(categories.CONTACT, ["P3"], Erasure.ANONYMISE),
            "order_reference": Personal(
                categories.RECEIPTS, ["P3"], Erasure.KEEP, kept_because=ACCOUNTING_REASON
            ),
            "item_name": Personal(
                categories.RECEIPTS, ["P3"], Erasure.KEEP, kept_because=ACCOUNTING_REASON
            ),
            "amount_cents": Personal(
                categories.RECEIPTS, ["P3"], Erasure.KEEP, kept_because=ACCOUNTING_REASON
            ),
            "provider": Personal(
                categories.RECEIPTS, ["P3"], Erasure.KEEP, kept_because=ACCOUNTING_REASON
            ),
            "provider_reference": Personal(
                categories.RECEIPTS, ["P3"], Erasure.KEEP, kept_because=ACCOUNTING_REASON
            ),
            "paid_at": Personal(
                categories.RECEIPTS, ["P3"], Erasure.KEEP, kept_because=ACCOUNTING_REASON
            ),
            "issued_at": Personal(
                categories.RECEIPTS, ["P3"], Erasure.KEEP, kept_because=ACCOUNTING_REASON
            ),
        }
        technical = [
            "id",
            "public_id",
            "number",
            "year",
            "sequence",
            "order",
            "currency",
            "language",
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableError(f"Receipt {self.number} is issued and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        # Only the retention engine removes receipts (a queryset delete, after 10 years).
        raise ImmutableError(f"Receipt {self.number} is an accounting record.")

    @property
    def amount(self) -> str:
        return format_amount(self.amount_cents, self.currency)


class Refund(models.Model):
    """Money given back on a paid order, through its processor (back-office)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SUCCEEDED = "succeeded", _("Refunded")
        PENDING = "pending", _("Pending at the processor")
        FAILED = "failed", _("Failed")

    order = models.ForeignKey(
        Order,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="refunds",
        verbose_name=_("order"),
    )
    # The receipt it corrects. A refund is an accounting record of its own, kept
    # for the same period from its own date.
    receipt = models.ForeignKey(
        Receipt,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="refunds",
        verbose_name=_("receipt"),
    )
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    provider_reference = models.CharField(
        _("processor's refund reference"), max_length=100, blank=True, db_index=True
    )
    # Sent to the processor so that a retried refund is never paid twice.
    idempotency_key = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    class Privacy:
        area = areas.ORDERS
        label = _("Refunds")
        description = _("Money we paid back to you.")
        subject = "receipt__member"
        timestamp = "created_at"
        retention = ACCOUNTING_RETENTION
        fields = {
            "amount_cents": Personal(
                categories.RECEIPTS, ["P3"], Erasure.KEEP, kept_because=ACCOUNTING_REASON
            ),
            "provider_reference": Personal(
                categories.RECEIPTS, ["P3"], Erasure.KEEP, kept_because=ACCOUNTING_REASON
            ),
            "created_at": Personal(
                categories.RECEIPTS, ["P3"], Erasure.KEEP, kept_because=ACCOUNTING_REASON
            ),
        }
        technical = ["id", "order", "receipt", "status", "idempotency_key"]

    def __str__(self) -> str:
        return f"Refund #{self.pk}"

    @property
    def amount(self) -> str:
        return format_amount(self.amount_cents)
