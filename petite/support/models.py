"""The help desk (P6): requests, their threads both ways, attachments, canned replies.

A request belongs to its requester: the member who opened it (``member``) or,
for a visitor, the e-mail address it came from (``Privacy.subject_email``).
It lives until ``PETITE_HELP_REQUEST_RETENTION_DAYS`` after it was closed
(3 years by default), then the retention engine deletes it with its thread and
attachments; erasing the member deletes it at once.

Internal notes are messages with ``internal=True``: never shown on the member's
pages nor e-mailed, but part of the member's copy of their data (ADR 0018).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from petite.privacy import categories
from petite.privacy.declarations import Erasure, Personal
from petite.privacy.purposes import Retention

HELP = categories.HELP_REQUESTS


class Category(models.Model):
    """What a request is about, chosen by the requester (staff may change it)."""

    name_en = models.CharField(_("name (English)"), max_length=80)
    name_fr = models.CharField(_("name (French)"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=50)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name_en"]
        verbose_name = _("help category")
        verbose_name_plural = _("help categories")

    def __str__(self) -> str:
        return self.name_fr if (get_language() or "en").startswith("fr") else self.name_en


class CannedReply(models.Model):
    """A prepared answer staff insert into a reply and adapt."""

    title = models.CharField(_("title"), max_length=120)
    body_en = models.TextField(_("text (English)"))
    body_fr = models.TextField(_("text (French)"))

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title

    def body_in(self, language: str) -> str:
        return self.body_fr if language.startswith("fr") else self.body_en


class HelpRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting for your answer")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        WEB = "web", _("Help page")
        EMAIL = "email", _("E-mail")
        CONTACT = "contact", _("Contact form")

    class Satisfaction(models.TextChoices):
        GOOD = "good", _("Good")
        BAD = "bad", _("Not good")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="help_requests",
        verbose_name=_("member"),
    )
    requester_name = models.CharField(_("name"), max_length=150)
    requester_email = models.EmailField(_("e-mail address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("category"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_help_requests",
        verbose_name=_("assigned to"),
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    first_response_at = models.DateTimeField(_("first answer"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    satisfaction = models.CharField(
        _("your opinion of the answer"), max_length=4, choices=Satisfaction.choices, blank=True
    )
    satisfaction_comment = models.TextField(_("your comment on the answer"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")

    class Privacy:
        subject = "member"
        subject_email = "requester_email"
        timestamp = "closed_at"
        retention = Retention(
            _("%(period)s after the request is closed, then deleted"),
            "PETITE_HELP_REQUEST_RETENTION_DAYS",
        )
        manage_url = "support:list"
        fields = {
            "requester_name": Personal(categories.IDENTITY, ["P6"], Erasure.DELETE),
            "requester_email": Personal(categories.CONTACT, ["P6"], Erasure.DELETE),
            "subject": Personal(HELP, ["P6"], Erasure.DELETE),
            "category": Personal(HELP, ["P6"], Erasure.DELETE),
            "status": Personal(HELP, ["P6"], Erasure.DELETE),
            "channel": Personal(HELP, ["P6"], Erasure.DELETE),
            "language": Personal(HELP, ["P6"], Erasure.DELETE),
            "created_at": Personal(HELP, ["P6"], Erasure.DELETE),
            "solved_at": Personal(HELP, ["P6"], Erasure.DELETE),
            "closed_at": Personal(HELP, ["P6"], Erasure.DELETE),
            "satisfaction": Personal(HELP, ["P6"], Erasure.DELETE),
            "satisfaction_comment": Personal(HELP, ["P6"], Erasure.DELETE),
        }
        technical = ["id", "member", "assignee", "first_response_at"]

    def __str__(self) -> str:
        return f"Help request #{self.pk}"

    @property
    def reference(self) -> str:
        return f"#{self.pk}"

    @property
    def first_response_due(self) -> datetime:
        return self.created_at + timedelta(hours=settings.PETITE_HELP_FIRST_RESPONSE_HOURS)

    @property
    def resolution_due(self) -> datetime:
        return self.created_at + timedelta(hours=settings.PETITE_HELP_RESOLUTION_HOURS)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SOLVED, self.Status.CLOSED)


class HelpMessage(models.Model):
    """One message of a request's thread: the requester's, a staff answer, or an internal note."""

    class Via(models.TextChoices):
        WEB = "web", _("web")
        EMAIL = "email", _("e-mail")

    request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="messages", verbose_name=_("request")
    )
    # The staff member who wrote it; empty for the requester's messages.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    from_requester = models.BooleanField(_("written by you"))
    internal = models.BooleanField(_("internal note"), default=False)
    body = models.TextField(_("message"), max_length=20000)
    via = models.CharField(_("sent by"), max_length=6, choices=Via.choices, default=Via.WEB)
    message_id = models.CharField(_("e-mail identifier"), max_length=300, blank=True, db_index=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("help request message")
        verbose_name_plural = _("help request messages")

    class Privacy:
        subject = "request__member"
        subject_email = "request__requester_email"
        retention = Retention(_("deleted with the help request it belongs to"))
        fields = {
            "body": Personal(HELP, ["P6"], Erasure.DELETE),
            "from_requester": Personal(HELP, ["P6"], Erasure.DELETE),
            "internal": Personal(HELP, ["P6"], Erasure.DELETE),
            "via": Personal(HELP, ["P6"], Erasure.DELETE),
            "created_at": Personal(HELP, ["P6"], Erasure.DELETE),
        }
        technical = ["id", "request", "author", "message_id"]

    def __str__(self) -> str:
        return f"Message #{self.pk} on help request #{self.request_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploader's file name in the path: it may name them.
    return f"support/{instance.message.request_id}/{timezone.now():%Y%m%d%H%M%S%f}"


class Attachment(models.Model):
    message = models.ForeignKey(
        HelpMessage, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    class Privacy:
        subject = "message__request__member"
        subject_email = "message__request__requester_email"
        retention = Retention(_("deleted with the help request it belongs to"))
        fields = {
            "file": Personal(HELP, ["P6"], Erasure.DELETE),
            "name": Personal(HELP, ["P6"], Erasure.DELETE),
            "content_type": Personal(HELP, ["P6"], Erasure.DELETE),
            "size": Personal(HELP, ["P6"], Erasure.DELETE),
        }
        technical = ["id", "message"]

    def __str__(self) -> str:
        return f"Attachment #{self.pk}"
