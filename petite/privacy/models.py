"""Proof the privacy core keeps of its own work: erasure receipts (U5)."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import areas, categories, purposes
from .declarations import Erasure, Personal


class ErasureReceipt(models.Model):
    """Proof of one erasure (U5): what was deleted, anonymised or kept, and why, and
    what the verification scan found. It names nobody: the member appears only as a
    salted hash of their e-mail address, so the receipt can be matched to a later
    question ("was I erased?") without keeping who they were."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        VERIFIED = "verified", _("Erased and verified")
        FINDINGS = "findings", _("Erased; the scan found identifiers to review")
        FAILED = "failed", _("Failed; nothing was erased")
        # A legal hold (petite/privacy/holds.py) froze the data: nothing was erased
        # yet; the same receipt resumes when the hold lifts.
        HELD = "held", _("Frozen under a legal hold; erased when it lifts")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email_hash = models.CharField(max_length=64, db_index=True)
    reason = models.CharField(max_length=200)
    requested_by_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    # Per model label, row counts and the reasons for what stays:
    # {"app.Model": {"deleted": n, "blanked": n, "anonymised": n, "kept": n,
    #                "kept_because": {"field": "reason"}}}; {"error": "ExceptionClass"} if FAILED.
    outcome = models.JSONField(default=dict, blank=True)
    # What the verification scan checked and found, never a value (see privacy/scan.py):
    # {"clean": bool, "tables": n, "columns": n, "files": n, "duration_ms": n,
    #  "findings": [{"where": ..., "count": n}], "allowed": [{"where", "count", "allowed_because"}]...}
    scan = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    # When the erasure committed: erased_at - started_at is its cost, the scan's is in `scan`.
    erased_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("erasure receipt")
        verbose_name_plural = _("erasure receipts")

    class Privacy:
        area = areas.RECORDS
        label = _("Erasures you carried out")
        description = _("Proof of the erasures you carried out, if you are a member of the team.")
        subject = "requested_by_staff"
        timestamp = "started_at"
        retention = purposes.Retention(
            _("%(period)s after the erasure, as proof that it was done"),
            "PETITE_DATA_REQUEST_RETENTION_DAYS",
        )
        fields = {
            "requested_by_staff": Personal(categories.ACTIVITY_RECORDS, ["P4"], Erasure.BLANK),
            "email_hash": Personal(
                categories.DATA_REQUESTS,
                ["P4"],
                Erasure.KEEP,
                kept_because=_("proof that your data was erased (GDPR Art. 5(2) and 17)"),
            ),
        }
        technical = [
            "id",
            "reason",
            "status",
            "outcome",
            "scan",
            "started_at",
            "erased_at",
            "finished_at",
        ]

    def __str__(self) -> str:
        return f"Erasure receipt {self.pk}"


class Disclosure(models.Model):
    """One time a member's data left the Platform (S1, S3): sent to a payment
    processor, or read by a third-party app the member authorised. The member sees
    the log and gets it in their export; :func:`petite.privacy.disclosures.record`
    is the only writer."""

    # Empty for a disclosure about no one: an aggregate report (counts per campaign and
    # day, small cells removed) handed to an advertiser is logged too.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="disclosures",
        null=True,
        blank=True,
    )
    # A recipients.Recipient key ("stripe", "paypal", "apps"...).
    recipient = models.CharField(_("recipient"), max_length=40)
    # Which one, in the recipient's own words: an app's name, a processor's account.
    recipient_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=8)
    # Category keys and field names sent, e.g. ["payments"] and ["amount", "email"].
    categories = models.JSONField(_("categories"), default=list)
    fields = models.JSONField(_("fields"), default=list)
    # What it was for, without personal data: "order 42", "GET /api/me".
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # Under a court's non-disclosure order the member may not see it before this time
    # (the order's review date); None: visible at once.
    hidden_until = models.DateTimeField(_("hidden until"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["member", "-at"])]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    class Privacy:
        area = areas.CHOICES
        label = _("Who received your data")
        description = _("Each time your data left the platform: to whom, why, and what.")
        subject = "member"
        fields = {
            "member": Personal(categories.DISCLOSURES, ["P1"], Erasure.DELETE),
            "recipient": Personal(categories.DISCLOSURES, ["P1"], Erasure.DELETE),
            "recipient_name": Personal(categories.DISCLOSURES, ["P1"], Erasure.DELETE),
            "purpose": Personal(categories.DISCLOSURES, ["P1"], Erasure.DELETE),
            "categories": Personal(categories.DISCLOSURES, ["P1"], Erasure.DELETE),
            "fields": Personal(categories.DISCLOSURES, ["P1"], Erasure.DELETE),
            "reference": Personal(categories.DISCLOSURES, ["P1"], Erasure.DELETE),
            "at": Personal(categories.DISCLOSURES, ["P1"], Erasure.DELETE),
        }
        technical = ["id", "hidden_until"]

        @staticmethod
        def hidden(now: datetime) -> Q:
            return Q(hidden_until__gt=now)

    def __str__(self) -> str:
        return f"{self.recipient_name or self.recipient} @ {self.at:%Y-%m-%d %H:%M}"


_KEPT_FOR_RESTORES = _(
    "so that restoring a backup cannot bring an erased account back (GDPR Art. 17)"
)


class ErasureLedgerEntry(models.Model):
    """One erasure, remembered so that restoring a backup cannot bring the member back.

    It holds salted hashes only (the receipt's HMAC of the e-mail address, and an
    HMAC of the member's id under the same salt), never a value: after a restore,
    ``manage.py restore`` computes the same hashes for the restored members and
    erases again whoever was erased after the backup was taken (docs/operations.md).
    """

    email_hash = models.CharField(
        _("keyed hash of the e-mail address"), max_length=64, db_index=True
    )
    member_hash = models.CharField(
        _("keyed hash of the account number"), max_length=64, unique=True
    )
    erased_at = models.DateTimeField(_("erased at"), db_index=True)

    class Meta:
        ordering = ["erased_at"]
        verbose_name = _("erasure ledger entry")
        verbose_name_plural = _("erasure ledger")

    class Privacy:
        # No subject and no personal field: salted hashes that nobody can turn back
        # into an address or an account, kept as long as backups are.
        subject = None
        fields = {
            "email_hash": Personal(
                categories.DATA_REQUESTS,
                ["P4"],
                Erasure.KEEP,
                kept_because=_KEPT_FOR_RESTORES,
            ),
            "member_hash": Personal(
                categories.DATA_REQUESTS,
                ["P4"],
                Erasure.KEEP,
                kept_because=_KEPT_FOR_RESTORES,
            ),
        }
        timestamp = "erased_at"
        # Needed as long as a backup taken before the erasure may be restored.
        retention = purposes.Retention(
            _("%(period)s after the erasure, as long as backups are kept"),
            "PETITE_BACKUP_RETENTION_DAYS",
        )
        technical = ["id", "erased_at"]
        note = _(
            "Holds no personal data beyond salted hashes: a keyed hash of an erased "
            "member's e-mail address and of their account number, so that restoring "
            "a backup erases them again. Neither can be turned back into the address."
        )

    def __str__(self) -> str:
        return f"Erasure ledger entry {self.pk}"


# The register of service providers and the staff access log live in their own
# modules (S4); imported here so that Django finds their models.
from .access import AccessRecord  # noqa: E402
from .providers import ProviderAgent, ServiceProvider  # noqa: E402

__all__ = [
    "AccessRecord",
    "Disclosure",
    "ErasureLedgerEntry",
    "ErasureReceipt",
    "ProviderAgent",
    "ServiceProvider",
]
