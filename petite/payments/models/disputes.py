"""Disputes (P9): the case, its steps and the files given as evidence."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from petite.core.models import ScannedFile
from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal

from .common import LEGAL_CLAIMS_REASON, LEGAL_CLAIMS_RETENTION, WITH_ITS_CASE, format_amount
from .orders import Order
from .receipts import Receipt


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
        area = areas.ORDERS
        label = _("Disputes")
        description = _("Payments you disputed, and how they ended.")
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
        area = areas.ORDERS
        label = _("Dispute messages")
        description = _("What was said and done in your disputes.")
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
        area = areas.ORDERS
        label = _("Dispute documents")
        description = _("Files you sent us for a dispute.")
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
