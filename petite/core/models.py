"""The audit trail of staff actions (SEC1) and the scheduler's bookkeeping."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from petite.privacy import categories
from petite.privacy.declarations import Erasure, Personal


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

    class Privacy:
        subject = "actor"
        timestamp = "created_at"
        fields = {
            # The trail outlives the actor's account, without saying who it was.
            "actor": Personal(categories.ACTIVITY_RECORDS, ["P8"], Erasure.BLANK),
        }
        technical = ["id", "action", "target_type", "target_id", "data", "created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"


class ScheduledRun(models.Model):
    """When each periodic task was last enqueued, so a restart never doubles a run."""

    name = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
