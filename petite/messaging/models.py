"""Conversations between two members, their messages, blocks and reports (P5).

Who sees what:

- a :class:`Message` belongs to its author (the declaration's subject) and is given
  to its recipient (``shared_with``): both find it in their export; erasing the
  recipient leaves it to its author;
- when the author's account is erased, the recipient keeps the row, emptied: the
  body and the time are blanked and the author becomes "Deleted member"
  (docs/adr/0010-erasure-of-a-deleted-members-messages.md);
- a :class:`Block` and a :class:`Report` belong to the member who made them and to
  nobody else: the member blocked or reported never sees them, not even in their
  export (GDPR Art. 15(4): the copy must not adversely affect others).

No name is ever stored here: names are read from the Portrait (or the first name)
when a page is shown, so an erased member's name leaves with their account.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal


class Conversation(models.Model):
    """A one-to-one conversation; its two members are its :class:`Participant` rows.

    It holds nothing about anyone (no member link, no text): a conversation left
    with no participant, both members having been erased, is removed by the
    daily task :func:`petite.messaging.tasks.remove_abandoned_conversations`.
    """

    # Random, so that no address reveals how many conversations exist.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-last_message_at"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"Conversation {self.pk}"


class Participant(models.Model):
    """One member's place in a conversation, with what they have read (unread state)."""

    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("conversation"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conversation_places",
        verbose_name=_("member"),
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    last_read_at = models.DateTimeField(_("last read"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "member"], name="messaging_one_place_per_member"
            )
        ]
        verbose_name = _("place in a conversation")
        verbose_name_plural = _("places in conversations")

    class Privacy:
        area = areas.MESSAGES
        label = _("Conversations")
        description = _("The conversations you take part in and when you last read them.")
        subject = "member"
        manage_url = "messaging:inbox"
        fields = {
            "joined_at": Personal(categories.MESSAGES, ["P5"], Erasure.DELETE),
            "last_read_at": Personal(categories.MESSAGES, ["P5"], Erasure.DELETE),
        }
        technical = ["id", "conversation", "member"]

    def __str__(self) -> str:
        return f"Participant #{self.pk}"


class Message(models.Model):
    """One message, written by ``author`` to ``recipient``.

    Both links are ``SET_NULL``: when one of the two members is erased, the other
    keeps their side of the conversation. The author's own rows are emptied by
    the erasure (``Erasure.BLANK``), not deleted, so that the recipient still sees
    where the erased messages were.
    """

    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("conversation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages_sent",
        verbose_name=_("author"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages_received",
        verbose_name=_("recipient"),
    )
    body = models.TextField(_("message"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, default=timezone.now)

    class Meta:
        # The primary key follows the order of sending, and survives the blanking of sent_at.
        ordering = ["id"]
        indexes = [
            models.Index(fields=["conversation", "id"], name="messaging_conversation_order"),
            models.Index(fields=["recipient", "sent_at"], name="messaging_recipient_time"),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    class Privacy:
        area = areas.MESSAGES
        label = _("Messages")
        description = _("The messages you sent and received.")
        subject = "author"
        shared_with = ["recipient"]
        manage_url = "messaging:inbox"
        fields = {
            "body": Personal(categories.MESSAGES, ["P5"], Erasure.BLANK),
            "sent_at": Personal(categories.MESSAGES, ["P5"], Erasure.BLANK),
        }
        technical = ["id", "conversation", "author", "recipient"]

    def __str__(self) -> str:
        # Never the text: the admin's history and logs would keep it.
        return f"Message #{self.pk}"

    @property
    def is_erased(self) -> bool:
        """Emptied by its author's erasure (docs/adr/0010)."""
        return self.author_id is None


class Block(models.Model):
    """``blocker`` no longer receives messages from ``blocked``, who is never told."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="message_blocks",
        verbose_name=_("member who blocks"),
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("blocked member"),
    )
    created_at = models.DateTimeField(_("blocked on"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="messaging_block_once"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="messaging_no_self_block"
            ),
        ]
        verbose_name = _("blocked member")
        verbose_name_plural = _("blocked members")

    class Privacy:
        area = areas.MESSAGES
        label = _("Members you blocked")
        description = _("Members who can no longer write to you.")
        subject = "blocker"
        manage_url = "messaging:blocked"
        fields = {
            # Exported as "another member": the export never names anyone else.
            "blocked": Personal(categories.MESSAGES, ["P5"], Erasure.DELETE),
            "created_at": Personal(categories.MESSAGES, ["P5"], Erasure.DELETE),
        }
        technical = ["id", "blocker"]

    def __str__(self) -> str:
        return f"Block #{self.pk}"


class Report(models.Model):
    """A message reported to the moderators by the member who received it."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        HARASSMENT = "harassment", _("Harassment or threats")
        INAPPROPRIATE = "inappropriate", _("Offensive or inappropriate content")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("To be reviewed")
        DISMISSED = "dismissed", _("Reviewed: no action")
        REMOVED = "removed", _("Reviewed: message removed")

    message = models.ForeignKey(
        Message,
        null=True,
        blank=True,
        # The report outlives a message its author deleted: moderators see it is gone.
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("message"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="message_reports",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note to the moderators"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    handled_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message report")
        verbose_name_plural = _("message reports")

    class Privacy:
        area = areas.MESSAGES
        label = _("Messages you reported")
        description = _("Messages you reported to our team, and what we did.")
        subject = "reporter"
        fields = {
            "reason": Personal(categories.MESSAGES, ["P5"], Erasure.DELETE),
            "note": Personal(categories.MESSAGES, ["P5"], Erasure.DELETE),
            "created_at": Personal(categories.MESSAGES, ["P5"], Erasure.DELETE),
            "status": Personal(categories.MESSAGES, ["P5"], Erasure.DELETE),
            "handled_at": Personal(categories.MESSAGES, ["P5"], Erasure.DELETE),
        }
        # The moderator is staff: who handled a report is the team's record, not the reporter's.
        technical = ["id", "message", "reporter", "handled_by"]

    def __str__(self) -> str:
        return f"Report #{self.pk}"
