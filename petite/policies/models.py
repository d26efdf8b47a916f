"""Policy versions (E1, E2), the notice of each version to members (E3) and their
acknowledgements (E3, E4)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.core.models import Delivery
from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal


class PolicyVersion(models.Model):
    """A frozen snapshot of the generated privacy notice, in English and French.

    A *draft* is prepared whenever the notice the code generates differs from the
    latest published version (see :func:`petite.policies.actions.prepare_draft`);
    staff write its summary of changes and publish it with an effective date at
    least 15 days after the last notice e-mail of its campaign. Published
    versions never change, except for an effective date that can only move later.

    A version holds no personal data: who published it is in the audit trail.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    # Given at publication: 1, 2, 3... Drafts have none.
    number = models.PositiveIntegerField(_("number"), null=True, blank=True, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    text_en = models.TextField(_("notice in English (Markdown)"))
    text_fr = models.TextField(_("notice in French (Markdown)"))
    html_en = models.TextField(_("notice in English (HTML)"))
    html_fr = models.TextField(_("notice in French (HTML)"))
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, db_index=True)
    summary_en = models.TextField(
        _("summary of changes in English"),
        blank=True,
        help_text=_("What changes for members, in plain words; e-mailed to every member."),
    )
    summary_fr = models.TextField(
        _("summary of changes in French"),
        blank=True,
        help_text=_("The same summary, in French."),
    )
    created_at = models.DateTimeField(_("prepared at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    effective_at = models.DateTimeField(_("effective from"), null=True, blank=True)
    # The date chosen at publication; effective_at moves later if sending runs late.
    planned_effective_at = models.DateTimeField(_("planned effective date"), null=True, blank=True)
    # False for the first version, which records the notice already in force:
    # nothing changed for anyone, so nobody is e-mailed or shown a banner.
    announced = models.BooleanField(_("members notified"), default=True)
    # The notice campaign: when its deliveries were planned, when it ended, and
    # the moment its last notice was sent (the start of the 15 days).
    campaign_planned_at = models.DateTimeField(_("notices planned at"), null=True, blank=True)
    campaign_finished_at = models.DateTimeField(_("notices finished at"), null=True, blank=True)
    last_notice_sent_at = models.DateTimeField(_("last notice sent at"), null=True, blank=True)
    # When the effective date was moved because sending ran late (staff were told).
    effective_moved_at = models.DateTimeField(_("effective date moved at"), null=True, blank=True)

    class Meta:
        ordering = ["-number", "-created_at"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="draft"),
                name="policies_one_draft",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(
                    number__isnull=False,
                    published_at__isnull=False,
                    effective_at__isnull=False,
                ),
                name="policies_published_complete",
            ),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return str(_("Draft policy version"))
        return str(_("Version %(number)d")) % {"number": self.number}

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def is_effective(self, now: datetime | None = None) -> bool:
        return self.effective_at is not None and self.effective_at <= (now or timezone.now())

    def text(self, language: str | None) -> str:
        return self.text_fr if _is_french(language) else self.text_en

    def html(self, language: str | None) -> str:
        return self.html_fr if _is_french(language) else self.html_en

    def summary(self, language: str | None) -> str:
        return self.summary_fr if _is_french(language) else self.summary_en


def _is_french(language: str | None) -> bool:
    return (language or "").lower().startswith("fr")


class PolicyNotice(Delivery):
    """The e-mail telling one member about one version (E3): one per member and version.

    A :class:`petite.core.models.Delivery` moved through its states only by
    :mod:`petite.core.bulkmail`; the unique constraint is what makes it once.
    """

    version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("policy version"),
    )

    class Meta(Delivery.Meta):
        verbose_name = _("policy notice")
        verbose_name_plural = _("policy notices")
        constraints = [
            models.UniqueConstraint(fields=["version", "member"], name="policies_notice_once"),
        ]

    class Privacy:
        area = areas.CHOICES
        label = _("Policy change e-mails")
        description = _("The e-mails telling you our privacy notice would change.")
        subject = "member"
        fields = {
            "version": Personal(categories.POLICY_NOTICES, ["P1"], Erasure.DELETE),
            "status": Personal(categories.POLICY_NOTICES, ["P1"], Erasure.DELETE),
            "sent_at": Personal(categories.POLICY_NOTICES, ["P1"], Erasure.DELETE),
            "created_at": Personal(categories.POLICY_NOTICES, ["P1"], Erasure.DELETE),
        }
        technical = ["id", "member", "attempts", "next_attempt_at", "claimed_at", "error"]

    def __str__(self) -> str:
        return f"Policy notice #{self.pk}"


class PolicyAcknowledgement(models.Model):
    """A member said they read a version (the banner's button): once per member and version."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_acknowledgements",
        verbose_name=_("member"),
    )
    version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        related_name="acknowledgements",
        verbose_name=_("policy version"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at"]
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["version", "member"], name="policies_ack_once"),
        ]

    class Privacy:
        area = areas.CHOICES
        label = _("Policy versions you read")
        description = _("When you acknowledged a new version of our privacy notice.")
        subject = "member"
        fields = {
            "version": Personal(categories.POLICY_NOTICES, ["P1"], Erasure.DELETE),
            "acknowledged_at": Personal(categories.POLICY_NOTICES, ["P1"], Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        return f"Policy acknowledgement #{self.pk}"
