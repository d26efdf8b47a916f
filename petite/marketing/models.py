"""Commercial e-mail by preference (P10): topics, members' choices and their proof,
campaigns and their messages, and the suppression list.

Consent is per topic and explicit: a :class:`Subscription` row exists while the
member wants that topic, and every choice (given at sign-up, on the preferences
page, withdrawn from a message's unsubscribe link, by a complaint...) adds a
:class:`ConsentRecord`, the proof GDPR Art. 7(1) asks for. The
:class:`Suppression` list is keyed by an HMAC of the address, so it can outlive
the account without holding the address.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from petite.core.models import Delivery
from petite.privacy import areas, categories, purposes
from petite.privacy.declarations import Erasure, Personal


class Topic(models.Model):
    """Something members may choose to receive by e-mail (the newsletter, offers).

    The slug is the key, so that a member's choices read "newsletter" in their
    export rather than a number.
    """

    slug = models.SlugField(
        _("key"),
        max_length=50,
        primary_key=True,
        help_text=_("A short name in lower case, such as “newsletter”; it cannot change later."),
    )
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    description_en = models.CharField(_("description (English)"), max_length=300)
    description_fr = models.CharField(_("description (French)"), max_length=300)
    is_offered = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_(
            "Offered at sign-up and on the preferences page. Members who chose a topic "
            "that is no longer offered keep their choice and can still withdraw it."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if _is_french() else self.name_en

    @property
    def description(self) -> str:
        return self.description_fr if _is_french() else self.description_en


def _is_french() -> bool:
    return (translation.get_language() or "").startswith("fr")


class Source(models.TextChoices):
    """Where a choice about a topic was made: part of the proof of consent."""

    SIGNUP = "signup", _("Sign-up form")
    PREFERENCES = "preferences", _("E-mail preferences page")
    UNSUBSCRIBE_LINK = "unsubscribe_link", _("Unsubscribe link in an e-mail")
    ONE_CLICK = "one_click", _("One-click unsubscribe from the mail program")
    COMPLAINT = "complaint", _("Spam complaint reported by the mail provider")
    PROVIDER = "provider", _("Unsubscribe reported by the mail provider")


class Subscription(models.Model):
    """A topic the member currently agrees to receive. No row, no e-mail."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="marketing_subscriptions",
        verbose_name=_("member"),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("topic")
    )
    subscribed_at = models.DateTimeField(_("chosen on"), default=timezone.now)
    source = models.CharField(_("chosen from"), max_length=20, choices=Source.choices)

    class Meta:
        ordering = ["topic__position", "topic__slug"]
        verbose_name = _("topic you receive")
        verbose_name_plural = _("topics you receive")
        constraints = [
            models.UniqueConstraint(fields=["member", "topic"], name="marketing_subscription_once")
        ]

    class Privacy:
        area = areas.EMAILS
        label = _("Newsletter topics")
        description = _("The topics you receive by e-mail.")
        subject = "member"
        manage_url = "marketing:preferences"
        fields = {
            "topic": Personal(categories.MARKETING, ["P10"], Erasure.DELETE),
            "subscribed_at": Personal(categories.MARKETING, ["P10"], Erasure.DELETE),
            "source": Personal(categories.MARKETING, ["P10"], Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        return f"Subscription #{self.pk}"


class ConsentRecord(models.Model):
    """One choice about one topic, as it was made: who, when, where, what they read.

    Append-only. It proves a consent (Art. 7(1)) and its withdrawal; the current
    state is :class:`Subscription`.
    """

    class Choice(models.TextChoices):
        OPT_IN = "opt_in", _("Agreed to receive")
        OPT_OUT = "opt_out", _("Withdrew")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="marketing_consent_records",
        verbose_name=_("member"),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="consent_records", verbose_name=_("topic")
    )
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices)
    source = models.CharField(_("made from"), max_length=20, choices=Source.choices)
    # The topic's name and description as the member read them, in their language.
    wording = models.CharField(_("text shown"), max_length=420, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("choice about newsletters and offers")
        verbose_name_plural = _("choices about newsletters and offers")

    class Privacy:
        area = areas.EMAILS
        label = _("Your newsletter choices")
        description = _(
            "Each time you said yes or no to a newsletter topic, with the words you saw."
        )
        subject = "member"
        manage_url = "marketing:preferences"
        fields = {
            "topic": Personal(categories.MARKETING, ["P10"], Erasure.DELETE),
            "choice": Personal(categories.MARKETING, ["P10"], Erasure.DELETE),
            "source": Personal(categories.MARKETING, ["P10"], Erasure.DELETE),
            "wording": Personal(categories.MARKETING, ["P10"], Erasure.DELETE),
            "language": Personal(categories.MARKETING, ["P10"], Erasure.DELETE),
            "at": Personal(categories.MARKETING, ["P10"], Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        return f"Consent record #{self.pk}"


class Suppression(models.Model):
    """An address that receives no commercial e-mail, whatever its owner chose.

    Keyed by an HMAC of the normalised address (see
    :func:`petite.marketing.addresses.address_hash`), never the address: the
    entry outlives the account (an erasure only unlinks ``member``) and still
    stops mail to that address, without the list being a list of addresses.
    """

    class Reason(models.TextChoices):
        BOUNCE = "bounce", _("Messages to the address bounced")
        COMPLAINT = "complaint", _("A message was reported as spam")
        STAFF = "staff", _("Added by staff at the owner's request")

    address_hash = models.CharField(_("address fingerprint"), max_length=64, unique=True)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("member"),
        help_text=_("The member who had the address then; emptied when their account is erased."),
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("blocked address")
        verbose_name_plural = _("blocked addresses")

    class Privacy:
        area = areas.EMAILS
        label = _("Addresses we no longer write to")
        description = _("Kept so we never send offers to an address that asked us to stop.")
        subject = "member"
        timestamp = "created_at"
        retention = purposes.Retention(
            _("%(period)s after the address was blocked, even if the account is deleted"),
            "PETITE_MARKETING_SUPPRESSION_RETENTION_DAYS",
        )
        _kept = _(
            "so that an address that bounced or complained receives no more commercial "
            "e-mail (GDPR Art. 21(3)); only a keyed fingerprint of the address is kept"
        )
        fields = {
            "member": Personal(categories.MARKETING, ["P10"], Erasure.BLANK),
            "address_hash": Personal(
                categories.MARKETING, ["P10"], Erasure.KEEP, kept_because=_kept
            ),
            "reason": Personal(categories.MARKETING, ["P10"], Erasure.KEEP, kept_because=_kept),
            "created_at": Personal(categories.MARKETING, ["P10"], Erasure.KEEP, kept_because=_kept),
        }
        technical = ["id"]

    def __str__(self) -> str:
        return f"Blocked address #{self.pk}"


class Campaign(models.Model):
    """A message about one topic, written in English and French, sent by staff."""

    class Format(models.TextChoices):
        MARKDOWN = "markdown", _("Markdown")
        HTML = "html", _("HTML (restricted)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("topic")
    )
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    subject_fr = models.CharField(_("subject (French)"), max_length=200)
    body_format = models.CharField(
        _("body format"), max_length=10, choices=Format.choices, default=Format.MARKDOWN
    )
    body_en = models.TextField(_("body (English)"))
    body_fr = models.TextField(_("body (French)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    sending_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sending_finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    # The final counts, kept when the deliveries are purged (see docs/marketing.md).
    totals = models.JSONField(_("final counts"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        permissions = [("send_campaign", _("Can send a campaign to members"))]

    class Privacy:
        area = areas.RECORDS
        label = _("Newsletters written by you")
        description = _("Newsletters you prepared, if you are a member of the team.")
        subject = "created_by"
        fields = {
            # The staff member who wrote it; the campaign stays without them.
            "created_by": Personal(categories.ACTIVITY_RECORDS, ["P10"], Erasure.BLANK),
        }
        technical = [
            "id",
            "topic",
            "subject_en",
            "subject_fr",
            "body_format",
            "body_en",
            "body_fr",
            "status",
            "created_at",
            "updated_at",
            "sending_started_at",
            "sending_finished_at",
            "totals",
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def subject(self) -> str:
        return self.subject_fr if _is_french() else self.subject_en

    @property
    def body(self) -> str:
        return self.body_fr if _is_french() else self.body_en


class CampaignDelivery(Delivery):
    """One member's copy of a campaign; :mod:`petite.core.bulkmail` moves it along."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("campaign")
    )

    class Meta(Delivery.Meta):
        verbose_name = _("campaign sent to you")
        verbose_name_plural = _("campaigns sent to you")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="marketing_delivery_once")
        ]

    class Privacy:
        area = areas.EMAILS
        label = _("Newsletters sent to you")
        description = _("Which newsletters and offers we sent you, and when.")
        subject = "member"
        timestamp = "created_at"
        retention = purposes.Retention(
            _("%(period)s after the campaign was sent, then deleted"),
            "PETITE_MARKETING_DELIVERY_RETENTION_DAYS",
        )
        fields = {
            "campaign": Personal(categories.MARKETING, ["P10"], Erasure.DELETE),
            "status": Personal(categories.MARKETING, ["P10"], Erasure.DELETE),
            "sent_at": Personal(categories.MARKETING, ["P10"], Erasure.DELETE),
        }
        technical = [
            "id",
            "member",
            "attempts",
            "next_attempt_at",
            "claimed_at",
            "error",
            "created_at",
        ]

    def __str__(self) -> str:
        return f"Campaign delivery #{self.pk}"
