"""The consent ledger: proof of every cookie choice (R1.5, GDPR Art. 7(1))."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.privacy import areas, categories, purposes
from petite.privacy.declarations import Erasure, Personal


class ConsentRecord(models.Model):
    """One choice made in the banner or on the Choose page, as it was made.

    The browser keeps the choice in its consent cookie; this row is what proves
    it: who chose (a signed-in member, or the pseudonymous visitor id of the
    cookie), what for each category, which wording of the banner and which
    version of the privacy notice they were shown, and when. Rows are never
    changed afterwards, except that a visitor's rows are linked to the member
    who signs in from the same browser (docs/adr/0008-cookie-consent.md).
    """

    class Action(models.TextChoices):
        ACCEPT_ALL = "accept_all", _("Accepted all")
        REFUSE_ALL = "refuse_all", _("Refused all")
        CHOOSE = "choose", _("Chose category by category")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name=_("member"),
        help_text=_("Empty while the choice belongs to a visitor who has not signed in."),
    )
    visitor_id = models.CharField(
        _("visitor id"),
        max_length=32,
        db_index=True,
        help_text=_("The random identifier of the browser's consent cookie."),
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    audience = models.BooleanField(_("audience measurement"))
    ads = models.BooleanField(_("personalised advertising"))
    global_privacy_control = models.BooleanField(
        _("Global Privacy Control"),
        default=False,
        help_text=_("The browser sent Sec-GPC: 1, which refuses personalised advertising."),
    )
    notice_version = models.CharField(_("notice version"), max_length=80)
    banner_version = models.CharField(_("banner version"), max_length=80)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "-created_at"])]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    class Privacy:
        area = areas.CHOICES
        label = _("Cookie choices")
        description = _("Each choice you made about audience measurement and advertising cookies.")
        subject = "member"
        timestamp = "created_at"
        retention = purposes.Retention(
            _("%(period)s after the choice, as proof of what you agreed to"),
            "PETITE_CONSENT_RECORD_RETENTION_DAYS",
        )
        manage_url = "consent:choose"
        fields = {
            name: Personal(categories.CONSENT, ["P2", "P7"], Erasure.DELETE)
            for name in (
                "member",
                "visitor_id",
                "action",
                "audience",
                "ads",
                "global_privacy_control",
                "notice_version",
                "banner_version",
                "language",
                "created_at",
            )
        }
        technical = ["id"]

    def __str__(self) -> str:
        # No identifier of the person: the admin's history names the row only.
        return f"Consent record #{self.pk}"
