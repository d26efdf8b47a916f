"""The data-request desk: requests about a member's data, however they arrive (U2-U6)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from petite.privacy import categories, purposes
from petite.privacy.declarations import Erasure, Personal


class DataRequest(models.Model):
    """A request about a member's data, however it arrived (U2-U6)."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access to my data")
        RECTIFICATION = "rectification", _("Correction of my data")
        ERASURE = "erasure", _("Erasure of my data")
        ACCOUNT_DELETION = "account_deletion", _("Deletion of my account")
        OBJECTION = "objection", _("Objection to a processing")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        AWAITING_IDENTITY = "awaiting_identity", _("Waiting for identity confirmation")
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        IN_APP = "in_app", _("From the account")
        STAFF = "staff", _("Entered by staff")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.AWAITING_IDENTITY, db_index=True
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
    )
    requester_email = models.EmailField(max_length=254)
    requester_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField(db_index=True)
    extended = models.BooleanField(default=False)
    extension_reason = models.TextField(blank=True)
    # How identity was established: a confirmed link, or what staff checked.
    identity_method = models.CharField(max_length=300, blank=True)
    identity_confirmed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")

    class Privacy:
        subject = "member"
        subject_email = "requester_email"
        timestamp = "received_at"
        retention = purposes.Retention(
            _("%(period)s after it was received, as proof that we answered"),
            "PETITE_DATA_REQUEST_RETENTION_DAYS",
        )
        fields = {
            "member": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.BLANK),
            "requester_email": Personal(categories.CONTACT, ["P4"], Erasure.ANONYMISE),
            "requester_name": Personal(categories.IDENTITY, ["P4"], Erasure.BLANK),
            "extension_reason": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.BLANK),
            "identity_method": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.BLANK),
        }
        technical = [
            "id",
            "reference",
            "kind",
            "status",
            "channel",
            "language",
            "received_at",
            "due_at",
            "extended",
            "identity_confirmed_at",
            "closed_at",
        ]

    def __str__(self) -> str:
        return self.reference


class DataRequestEvent(models.Model):
    """One step in a request's history: a message in or out, a status change,
    an identity check, an extension, a rectification (with before/after)."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        MESSAGE_IN = "message_in", _("Message from the requester")
        MESSAGE_OUT = "message_out", _("Message to the requester")
        STATUS = "status", _("Status changed")
        IDENTITY = "identity", _("Identity established")
        EXTENDED = "extended", _("Deadline extended")
        RECTIFIED = "rectified", _("Data corrected")
        EXPORTED = "exported", _("Data exported")
        ERASED = "erased", _("Data erased")
        NOTE = "note", _("Staff note")

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=20, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    # Rectification: {"field": ..., "before": ..., "after": ...}; other kinds: ids only.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("data request event")
        verbose_name_plural = _("data request events")

    class Privacy:
        subject = "request__member"
        subject_email = "request__requester_email"
        timestamp = "created_at"
        retention = purposes.Retention(
            _("%(period)s after it was received, as proof that we answered"),
            "PETITE_DATA_REQUEST_RETENTION_DAYS",
        )
        fields = {
            "subject": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.BLANK),
            "text": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.BLANK),
            "data": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.BLANK),
        }
        technical = ["id", "request", "kind", "actor", "status", "created_at"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"
