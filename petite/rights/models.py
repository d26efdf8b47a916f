"""Members' self-service rights: the archives of their data (U3)."""

from __future__ import annotations

import os
import uuid
from datetime import datetime

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal


class ExportStorage(FileSystemStorage):
    """Where archives are kept: ``settings.PETITE_EXPORT_DIR``, read each time (tests
    move it), outside the web root, and without any URL: only the download view,
    which checks the member, serves them."""

    @property
    def base_location(self) -> str:
        return str(settings.PETITE_EXPORT_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Archives have no address: only the download view serves them.")


_export_storage = ExportStorage()


def export_storage() -> ExportStorage:
    return _export_storage


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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
        verbose_name=_("member"),
    )
    # Staff who started it on the member's behalf (a data request); None when the
    # member asked from their account.
    requested_by_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by staff"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    progress_done = models.PositiveIntegerField(_("records written"), default=0)
    progress_total = models.PositiveIntegerField(_("records to write"), default=0)
    # A random name in settings.PETITE_EXPORT_DIR, outside the web root. A file field,
    # so that erasing the member deletes the archive with the row, like any upload.
    archive = models.FileField(_("archive"), storage=export_storage, max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("archive size"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # Each run of the build claims the export with a new token and writes only
    # while it holds it: a run restarted after a crash supersedes the dead one,
    # and the dead one, if it was only slow, stops at its next write.
    run_token = models.UUIDField(null=True, blank=True, editable=False)
    # The last sign of life of the running build; a stale one means its worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    class Privacy:
        area = areas.REQUESTS
        label = _("Copies of your data")
        description = _("The copies of your data you asked for, until they expire.")
        subject = "member"
        timestamp = "created_at"
        fields = {
            "member": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.DELETE),
            "created_at": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.DELETE),
        }
        # The archive is a copy of what the other declarations hold, nothing new:
        # technical, so an export never contains the previous ones.
        technical = [
            "id",
            "archive",
            "requested_by_staff",
            "status",
            "progress_done",
            "progress_total",
            "file_size",
            "error",
            "finished_at",
            "expires_at",
            "run_token",
            "heartbeat_at",
        ]

    def __str__(self) -> str:
        return f"Data export {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED, self.Status.EXPIRED)

    def is_expired(self, now: datetime | None = None) -> bool:
        if self.status == self.Status.EXPIRED:
            return True
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)
