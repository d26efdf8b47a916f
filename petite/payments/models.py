"""Offers, orders, receipts, refunds and disputes (P3, P9, S1).

What is kept, and for how long (docs/payments.md, ADR 0014):

- An **order** is the member's: it lives as long as the account and goes with it.
- A **receipt** is an accounting record: numbered without gaps, never changed, kept
  for ``PETITE_RECEIPT_RETENTION_DAYS`` (10 years) even after the member is erased,
  then purged. Erasure pseudonymises it: the buyer's name and e-mail address are
  replaced, the number, amounts and processor reference stay.
- A **refund** is part of the same accounting record and follows its receipt.
- A **dispute** (a processor's chargeback or a member's disagreement with us) is kept
  to establish, exercise or defend legal claims (GDPR Art. 17(3)(e)) for
  ``PETITE_DISPUTE_RETENTION_DAYS`` after it is closed; erasure unlinks the member.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from petite.core.models import ScannedFile
from petite.privacy import categories, purposes
from petite.privacy.declarations import Erasure, Personal

CURRENCY = "eur"

ACCOUNTING_RETENTION = purposes.Retention(
    _("%(period)s after it was issued, as accounting law requires, then deleted"),
    "PETITE_RECEIPT_RETENTION_DAYS",
)
ACCOUNTING_REASON = _(
    "accounting records must be kept for 10 years (French Commercial Code, art. L123-22)"
)
LEGAL_CLAIMS_RETENTION = purposes.Retention(
    _(
        "%(period)s after the case is closed, to establish, exercise or defend legal "
        "claims (GDPR Art. 17(3)(e)), then deleted"
    ),
    "PETITE_DISPUTE_RETENTION_DAYS",
)
# Steps and files of a case go with it (a cascade when the case is purged).
WITH_ITS_CASE = purposes.Retention(
    _("as long as the case it belongs to, and deleted with it"),
)
LEGAL_CLAIMS_REASON = _("needed to establish, exercise or defend legal claims (GDPR Art. 17(3)(e))")


def format_amount(cents: int, currency: str = CURRENCY) -> str:
    """ "12.50 EUR": the same in every language (receipts are records)."""
    return f"{cents // 100}.{cents % 100:02d} {currency.upper()}"


def _order_reference() -> str:
    # Sent to the processors: random, so it says nothing about the member or volumes.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "PT-" + "".join(secrets.choice(alphabet) for _ in range(10))


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


class Dispute(models.Model):
    """A case (P9): a processor's dispute (chargeback) or a member's disagreement with us."""

    class Source(models.TextChoices):
        STRIPE = "stripe", _("Stripe (the member's bank)")
        PAYPAL = "paypal", _("PayPal")
        MEMBER = "member", _("The member, with us")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("dispute", "Open")
        NEEDS_RESPONSE = "needs_response", _("Waiting for our evidence")
        UNDER_REVIEW = "under_review", _("Under review")
        WON = "won", _("Closed in our favour")
        LOST = "lost", _("Closed in the member's favour")
        RESOLVED = "resolved", _("Resolved")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("case reference"), max_length=20, unique=True)
    source = models.CharField(_("opened by"), max_length=10, choices=Source.choices)
    # The processor's dispute id ("dp_...", "PP-D-..."); empty for a member's case.
    provider_reference = models.CharField(
        _("processor's dispute reference"), max_length=100, blank=True
    )
    order = models.ForeignKey(
        Order,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
        verbose_name=_("order"),
    )
    receipt = models.ForeignKey(
        Receipt,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
        verbose_name=_("receipt"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payment_disputes",
        verbose_name=_("member"),
    )
    order_reference = models.CharField(_("order reference"), max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    amount_cents = models.PositiveIntegerField(_("amount disputed (cents)"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["respond_by", "opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "provider_reference"],
                condition=~models.Q(provider_reference=""),
                name="payments_dispute_provider_ref",
            )
        ]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    class Privacy:
        subject = "member"
        timestamp = "closed_at"
        retention = LEGAL_CLAIMS_RETENTION
        manage_url = "payments:orders"
        fields = {
            "member": Personal(categories.DISPUTES, ["P9"], Erasure.BLANK),
            "reason": Personal(
                categories.DISPUTES, ["P9"], Erasure.KEEP, kept_because=LEGAL_CLAIMS_REASON
            ),
            "amount_cents": Personal(
                categories.DISPUTES, ["P9"], Erasure.KEEP, kept_because=LEGAL_CLAIMS_REASON
            ),
            "status": Personal(
                categories.DISPUTES, ["P9"], Erasure.KEEP, kept_because=LEGAL_CLAIMS_REASON
            ),
            "opened_at": Personal(
                categories.DISPUTES, ["P9"], Erasure.KEEP, kept_because=LEGAL_CLAIMS_REASON
            ),
        }
        technical = [
            "id",
            "public_id",
            "reference",
            "source",
            "provider_reference",
            "order",
            "receipt",
            "order_reference",
            "respond_by",
            "closed_at",
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_DISPUTE_STATUSES

    @property
    def amount(self) -> str:
        return format_amount(self.amount_cents)


CLOSED_DISPUTE_STATUSES = (Dispute.Status.WON, Dispute.Status.LOST, Dispute.Status.RESOLVED)


class DisputeEvent(models.Model):
    """One step of a case: opened, a status change, a message, evidence added."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        STATUS = "status", _("Status changed")
        MESSAGE = "message", _("Message")
        EVIDENCE = "evidence", _("Evidence added")

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="events", verbose_name=_("dispute")
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    # Who spoke, kept when the author's account is gone: "member", "team" or a processor.
    by = models.CharField(_("from"), max_length=10)
    status = models.CharField(_("status"), max_length=20, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=5000)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")

    class Privacy:
        subject = "dispute__member"
        retention = WITH_ITS_CASE
        fields = {
            "author": Personal(categories.DISPUTES, ["P9"], Erasure.BLANK),
            "text": Personal(
                categories.DISPUTES, ["P9"], Erasure.KEEP, kept_because=LEGAL_CLAIMS_REASON
            ),
        }
        technical = ["id", "dispute", "kind", "by", "status", "created_at"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.kind}"


def evidence_path(instance: DisputeEvidence, filename: str) -> str:
    # The stored name says nothing: the member's own file name is kept in a column.
    suffix = EVIDENCE_TYPES.get(instance.content_type, ".bin")
    return f"payments/evidence/{uuid.uuid4().hex}{suffix}"


# Accepted evidence: documents and pictures, checked by their first bytes too.
EVIDENCE_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "text/plain": ".txt",
}


class DisputeEvidence(ScannedFile):
    """A file given as evidence in a case, by the member or the team, scanned for malware."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("dispute")
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    by = models.CharField(_("from"), max_length=10)
    uploaded_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("dispute evidence")
        verbose_name_plural = _("dispute evidence")

    class Privacy:
        subject = "dispute__member"
        retention = WITH_ITS_CASE
        fields = {
            "uploaded_by": Personal(categories.DISPUTES, ["P9"], Erasure.BLANK),
            "file": Personal(
                categories.DISPUTES, ["P9"], Erasure.KEEP, kept_because=LEGAL_CLAIMS_REASON
            ),
            "original_name": Personal(
                categories.DISPUTES, ["P9"], Erasure.KEEP, kept_because=LEGAL_CLAIMS_REASON
            ),
        }
        technical = [
            "id",
            "dispute",
            "content_type",
            "size",
            "by",
            "uploaded_at",
            *ScannedFile.SCAN_FIELDS,
        ]

    def __str__(self) -> str:
        return f"Evidence #{self.pk}"

    def clean(self) -> None:
        if self.content_type not in EVIDENCE_TYPES:
            raise ValidationError(_("This type of file is not accepted."))


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
