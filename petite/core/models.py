"""The audit trail of staff actions (SEC1), the scheduler's bookkeeping, and the
shape of one bulk-mail delivery (policy notices, campaigns)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Something a person (or the platform itself) did that must be accountable.

    ``data`` holds identifiers and field names, never personal values.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    # Its personal data is declared by petite.privacy.platform: core names no layer above it.

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"


class ScheduledRun(models.Model):
    """When each periodic task was last enqueued, so a restart never doubles a run."""

    name = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One member's message of a bulk sending: a policy notice, a campaign.

    Abstract: each sending app subclasses it with a foreign key to what is sent,
    a unique constraint on (that key, member) and its own ``class Privacy``.
    :mod:`petite.core.bulkmail` is the only code that moves a delivery through
    its states; see docs/adr/0015 for why this gives one message per member.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # A failed attempt is retried from this time on (exponential back-off).
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # When a worker took it; a claim older than the lease belongs to a crashed worker.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # The error class and SMTP code of the last failure, never an address or a text.
    error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        abstract = True
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="%(app_label)s_%(class)s_due")
        ]


class ScannedFile(models.Model):
    """Abstract: a stored upload that carries its malware scan (P8).

    Every model holding an uploaded file inherits these fields, fills them with
    :meth:`record_scan` from :func:`petite.core.malware.scan_upload`'s result, and
    registers itself with :func:`petite.core.malware.stored_files` so that the
    scheduled rescan finds it when clamd's signatures change. A file the rescan
    finds infected is quarantined: ``quarantined_at`` is set and no view serves it.
    Declare the four fields as technical in the model's ``class Privacy``.
    """

    scan_signature_version = models.CharField(
        _("virus signatures version"), max_length=100, blank=True
    )
    scanned_at = models.DateTimeField(_("checked for viruses at"), null=True, blank=True)
    quarantined_at = models.DateTimeField(_("quarantined at"), null=True, blank=True)
    detection = models.CharField(_("virus found"), max_length=200, blank=True)

    SCAN_FIELDS = ["scan_signature_version", "scanned_at", "quarantined_at", "detection"]

    class Meta:
        abstract = True

    def record_scan(self, result: object) -> None:
        self.scan_signature_version = str(getattr(result, "signature_version", ""))[:100]
        self.scanned_at = getattr(result, "scanned_at", None)

    @property
    def is_quarantined(self) -> bool:
        return self.quarantined_at is not None
