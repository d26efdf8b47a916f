"""Members' self-service rights: the archives of their data (U3)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from petite.privacy import categories
from petite.privacy.declarations import Erasure, Personal


class DataExport(models.Model):
    """One archive of everything held about a member (U3, Art. 15 and 20)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired and deleted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    # Staff who started it on the member's behalf (a data request); None when the
    # member asked from their account.
    requested_by_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # Path relative to settings.PETITE_EXPORT_DIR (outside the web root).
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    class Privacy:
        subject = "member"
        timestamp = "created_at"
        fields = {
            "member": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.DELETE),
            "created_at": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.DELETE),
            "file_name": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.DELETE),
        }
        technical = [
            "id",
            "requested_by_staff",
            "status",
            "progress_done",
            "progress_total",
            "file_size",
            "error",
            "finished_at",
            "expires_at",
        ]

    def __str__(self) -> str:
        return f"Data export {self.pk}"
