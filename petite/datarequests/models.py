"""The data-request desk: requests about a member's data, however they arrive (U2-U6)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.core.fields import EncryptedTextField
from petite.privacy import areas, categories, purposes
from petite.privacy.declarations import Erasure, Personal

# A request and its history are kept as proof that we answered (then purged; an
# event also goes with its request).
PROOF_OF_ANSWER = purposes.Retention(
    _("%(period)s after it was received, as proof that we answered"),
    "PETITE_DATA_REQUEST_RETENTION_DAYS",
)


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
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.AWAITING_IDENTITY,
        db_index=True,
    )
    channel = models.CharField(_("received by"), max_length=10, choices=Channel.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
        verbose_name=_("member"),
    )
    requester_email = models.EmailField(_("requester's e-mail address"), max_length=254)
    requester_name = models.CharField(_("requester's name"), max_length=200, blank=True)
    # The language of our e-mails to the requester.
    language = models.CharField(_("language"), max_length=10, blank=True)
    received_at = models.DateTimeField(_("received on"), db_index=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    extended = models.BooleanField(_("deadline extended"), default=False)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    # How identity was established: a confirmed link, or what staff checked.
    identity_method = models.CharField(
        _("how identity was established"), max_length=300, blank=True
    )
    identity_confirmed_at = models.DateTimeField(_("identity established"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")

    class Privacy:
        area = areas.REQUESTS
        label = _("Requests about your data")
        description = _("The requests you made about your data and their deadlines.")
        subject = "member"
        subject_email = "requester_email"
        timestamp = "received_at"
        retention = PROOF_OF_ANSWER
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

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def identity_established(self) -> bool:
        return self.identity_confirmed_at is not None

    def is_overdue(self, now: datetime | None = None) -> bool:
        return not self.is_closed and self.due_at < (now or timezone.now())


CLOSED_STATUSES = (DataRequest.Status.DONE, DataRequest.Status.REFUSED)
OPEN_STATUSES = (DataRequest.Status.AWAITING_IDENTITY, DataRequest.Status.OPEN)


class DataRequestEvent(models.Model):
    """One step in a request's history: a message in or out, a status change,
    an identity check, an extension, a rectification (with before/after)."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        MESSAGE_IN = "message_in", _("Message from the requester")
        MESSAGE_OUT = "message_out", _("Message to the requester")
        STATUS = "status", _("Status changed")
        KIND = "kind", _("Type changed")
        IDENTITY_LINK = "identity_link", _("Confirmation link sent")
        IDENTITY = "identity", _("Identity established")
        EXTENDED = "extended", _("Deadline extended")
        RECTIFIED = "rectified", _("Data corrected")
        EXPORTED = "exported", _("Data exported")
        ERASED = "erased", _("Data erased")
        ACCOUNT_DELETION = "account_deletion", _("Account deletion started")
        NOTE = "note", _("Staff note")

    request = models.ForeignKey(
        DataRequest,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("data request"),
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    # The request's status after this step.
    status = models.CharField(_("status"), max_length=20, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    # Rectification: {"field": ..., "label": ..., "before": ..., "after": ...}; other
    # kinds: identifiers only (message id, export id, erasure receipt id).
    data = models.JSONField(_("details"), default=dict, blank=True)
    # Before/after of a field that is encrypted at rest (a Portrait's street...), as
    # JSON: encrypted here too, so the history does not undo the encryption, and
    # re-encrypted with every other field by `manage.py rotate_field_keys`.
    sealed = EncryptedTextField(_("encrypted details"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("data request event")
        verbose_name_plural = _("data request events")

    class Privacy:
        area = areas.REQUESTS
        label = _("Steps of your requests")
        description = _("Each step of your requests: messages, checks and answers.")
        subject = "request__member"
        subject_email = "request__requester_email"
        timestamp = "created_at"
        retention = PROOF_OF_ANSWER
        fields = {
            "subject": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.BLANK),
            "text": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.BLANK),
            "data": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.BLANK),
            "sealed": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.BLANK),
        }
        technical = ["id", "request", "kind", "actor", "status", "created_at"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"

    @property
    def rectification(self) -> dict[str, Any]:
        """A RECTIFIED event's field, label and before/after values, decrypted if sealed."""
        values = dict(self.data)
        if self.sealed:
            values.update(json.loads(self.sealed))
        return values
