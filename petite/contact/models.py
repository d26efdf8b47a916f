"""Messages written to the team through the contact form (R1.4, P6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal


class ContactMessage(models.Model):
    """One message in the team's back-office inbox.

    It belongs to its sender: erasing a member removes the messages they wrote
    while signed in (``member``, CASCADE) and those they wrote as a visitor with
    the same e-mail address (``Privacy.subject_email``). Otherwise it lives for
    the P6 retention period, counted from ``created_at``.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contact_messages",
        verbose_name=_("member"),
        help_text=_("Empty when a visitor wrote without being signed in."),
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"), max_length=5000)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    handled = models.BooleanField(_("handled"), default=False, db_index=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    class Privacy:
        area = areas.REQUESTS
        label = _("Messages to our team")
        description = _("What you wrote to us through the contact form.")
        subject = "member"
        subject_email = "email"
        timestamp = "created_at"
        fields = {
            "name": Personal(categories.CORRESPONDENCE, ["P6"], Erasure.DELETE),
            "email": Personal(categories.CORRESPONDENCE, ["P6"], Erasure.DELETE),
            "subject": Personal(categories.CORRESPONDENCE, ["P6"], Erasure.DELETE),
            "message": Personal(categories.CORRESPONDENCE, ["P6"], Erasure.DELETE),
            "language": Personal(categories.CORRESPONDENCE, ["P6"], Erasure.DELETE),
            "created_at": Personal(categories.CORRESPONDENCE, ["P6"], Erasure.DELETE),
        }
        technical = ["id", "member", "handled", "handled_at"]

    def __str__(self) -> str:
        # The subject is the sender's own text; the admin and its history show
        # the message number instead.
        return f"Contact message #{self.pk}"
