"""The register of authority requests, legal holds and transfers (S5, S6).

The register itself (who asked, under which instrument, what was decided) is about
the Platform's obligations, not about a member; the rows that name a member are
declared: the accounts a request specified (shown to the member once no order
forbids it), the notices members were sent, holds, and objections to a transfer.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.core.models import Delivery
from petite.privacy import areas, categories, purposes
from petite.privacy.declarations import Erasure, Personal

# EU member states (ISO 3166-1 alpha-2). A request from anywhere else is a
# third-country order: GDPR Art. 48 makes it no legal basis by itself.
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)

REGISTER_RETENTION = purposes.Retention(
    _("%(period)s after the request or transfer, then deleted"),
    "PETITE_LEGAL_REGISTER_RETENTION_DAYS",
)
KEPT_FOR_THE_REGISTER = _("the register of requests from authorities (GDPR Art. 5(2))")


class AuthorityRequest(models.Model):
    """One request from a court or an authority for members' data."""

    class AuthorityType(models.TextChoices):
        COURT = "court", _("Court or judge")
        POLICE = "police", _("Police or prosecutor")
        ADMINISTRATIVE = "administrative", _("Administrative authority")
        TAX = "tax", _("Tax or customs authority")
        INTELLIGENCE = "intelligence", _("Intelligence or national security")
        OTHER = "other", _("Other authority")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Not decided yet")
        COMPLY = "comply", _("Comply")
        PARTIAL = "partial", _("Comply in part")
        REFUSE = "refuse", _("Refuse")

    class Gag(models.TextChoices):
        NONE = "none", _("No non-disclosure order")
        ACTIVE = "active", _("Members may not be told")
        LIFTED = "lifted", _("Lifted")
        LAPSED = "lapsed", _("Lapsed at its review date")

    requester = models.CharField(_("requester"), max_length=200)
    authority_type = models.CharField(
        _("type of authority"), max_length=20, choices=AuthorityType.choices
    )
    country = models.CharField(_("country (ISO code)"), max_length=2)
    instrument = models.CharField(_("legal instrument"), max_length=300)
    legal_basis = models.TextField(_("legal basis"))
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # What the authority asked for: members by e-mail, id or display name, one a line.
    identifiers = models.TextField(_("members named (e-mail, id or display name)"))
    requested_categories = models.JSONField(_("categories asked for"), default=list)
    requested_since = models.DateTimeField(_("data from"), null=True, blank=True)
    requested_until = models.DateTimeField(_("data until"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # What will be disclosed: never more than what was asked.
    decided_categories = models.JSONField(_("categories to disclose"), default=list)
    decided_since = models.DateTimeField(_("disclose data from"), null=True, blank=True)
    decided_until = models.DateTimeField(_("disclose data until"), null=True, blank=True)
    # Art. 48: the international agreement (an MLAT...) that makes a non-EU order a basis.
    art48_checked_at = models.DateTimeField(_("Art. 48 check recorded at"), null=True, blank=True)
    art48_agreement = models.TextField(_("Art. 48: international agreement relied on"), blank=True)
    gag = models.CharField(
        _("non-disclosure order"), max_length=10, choices=Gag.choices, default=Gag.NONE
    )
    gag_review_at = models.DateTimeField(_("non-disclosure review date"), null=True, blank=True)
    gag_ended_at = models.DateTimeField(_("non-disclosure ended at"), null=True, blank=True)
    gag_extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    # The review date the team was last reminded of (one reminder per review date).
    reminded_for = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("authority request")
        verbose_name_plural = _("authority requests")

    def __str__(self) -> str:
        return f"Authority request {self.pk} ({self.country}, {self.received_on})"

    @property
    def outside_eu(self) -> bool:
        return self.country.upper() not in EU_COUNTRIES

    @property
    def gagged(self) -> bool:
        return self.gag == self.Gag.ACTIVE


class RequestedAccount(models.Model):
    """An account a request named: the member sees it once no order forbids it."""

    request = models.ForeignKey(
        AuthorityRequest,
        on_delete=models.CASCADE,
        related_name="accounts",
        verbose_name=_("request"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("member"),
    )
    identifier = models.CharField(_("as named in the request"), max_length=254)
    disclosed = models.BooleanField(_("data disclosed"), default=False)
    # While a non-disclosure order holds: hidden from the member's pages and export.
    hidden_until = models.DateTimeField(_("hidden until"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("account named by an authority")
        verbose_name_plural = _("accounts named by authorities")

    class Privacy:
        area = areas.RECORDS
        label = _("Requests from authorities about you")
        description = _(
            "The requests from courts and authorities that named your account, and whether your data was disclosed."
        )
        subject = "member"
        timestamp = "created_at"
        retention = REGISTER_RETENTION
        fields = {
            "member": Personal(categories.LEGAL_REQUESTS, ["S5"], Erasure.BLANK),
            "identifier": Personal(categories.LEGAL_REQUESTS, ["S5"], Erasure.ANONYMISE),
            "disclosed": Personal(
                categories.LEGAL_REQUESTS,
                ["S5"],
                Erasure.KEEP,
                kept_because=KEPT_FOR_THE_REGISTER,
            ),
            "created_at": Personal(
                categories.LEGAL_REQUESTS,
                ["S5"],
                Erasure.KEEP,
                kept_because=KEPT_FOR_THE_REGISTER,
            ),
        }
        technical = ["id", "request", "hidden_until"]

        @staticmethod
        def hidden(now: datetime) -> Q:
            return Q(hidden_until__gt=now)

    def __str__(self) -> str:
        return f"Account named in request {self.request_id}"


class AuthorityNotice(Delivery):
    """The e-mail telling a member an authority received their data: once, after any
    non-disclosure order ended."""

    request = models.ForeignKey(AuthorityRequest, on_delete=models.CASCADE, related_name="notices")

    class Meta(Delivery.Meta):
        verbose_name = _("notice of a request from an authority")
        verbose_name_plural = _("notices of requests from authorities")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "member"], name="legal_authority_notice_once"
            )
        ]

    class Privacy:
        area = areas.RECORDS
        label = _("Notices of requests from authorities")
        description = _("The e-mails telling you an authority received some of your data.")
        subject = "member"
        timestamp = "created_at"
        retention = REGISTER_RETENTION
        fields = {
            "status": Personal(categories.LEGAL_REQUESTS, ["S5"], Erasure.DELETE),
            "sent_at": Personal(categories.LEGAL_REQUESTS, ["S5"], Erasure.DELETE),
            "created_at": Personal(categories.LEGAL_REQUESTS, ["S5"], Erasure.DELETE),
        }
        technical = [
            "id",
            "member",
            "request",
            "attempts",
            "next_attempt_at",
            "claimed_at",
            "error",
        ]

    def __str__(self) -> str:
        return f"Authority notice {self.pk}"


class Handover(models.Model):
    """An encrypted disclosure package and its one-time, expiring download link."""

    request = models.ForeignKey(
        AuthorityRequest, on_delete=models.CASCADE, related_name="handovers"
    )
    # SHA-256 of the link's token: the token itself is shown once, to staff.
    token_hash = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(max_length=200)
    members = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()
    downloaded_at = models.DateTimeField(null=True, blank=True)
    # The disclosure log's rows written at the download (privacy.Disclosure ids).
    disclosure_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("disclosure package")
        verbose_name_plural = _("disclosure packages")

    def __str__(self) -> str:
        return f"Disclosure package {self.pk}"


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def active(self) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True, member__isnull=False)


class LegalHold(models.Model):
    """A member's data frozen by a legal obligation: not erased, not purged, until lifted."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("member"),
    )
    request = models.ForeignKey(
        AuthorityRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holds",
        verbose_name=_("request"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    class Privacy:
        area = areas.RECORDS
        label = _("Legal holds")
        description = _("The times a legal obligation required us to keep your data from erasure.")
        subject = "member"
        timestamp = "placed_at"
        retention = REGISTER_RETENTION
        fields = {
            "member": Personal(categories.LEGAL_REQUESTS, ["S5"], Erasure.BLANK),
            "placed_at": Personal(
                categories.LEGAL_REQUESTS, ["S5"], Erasure.KEEP, kept_because=KEPT_FOR_THE_REGISTER
            ),
            "lifted_at": Personal(
                categories.LEGAL_REQUESTS, ["S5"], Erasure.KEEP, kept_because=KEPT_FOR_THE_REGISTER
            ),
        }
        technical = ["id", "request", "reason"]

        @staticmethod
        def hidden(now: datetime) -> Q:
            # A hold is usually confidential while it lasts (it may reveal an
            # investigation): the member sees it once lifted.
            return Q(lifted_at__isnull=True)

    def __str__(self) -> str:
        return f"Legal hold {self.pk}"


class Transfer(models.Model):
    """A merger, acquisition, sale of assets or receivership that moves members' data (S6)."""

    class Kind(models.TextChoices):
        MERGER = "merger", _("Merger")
        ACQUISITION = "acquisition", _("Acquisition")
        ASSET_SALE = "asset_sale", _("Sale of assets")
        RECEIVERSHIP = "receivership", _("Receivership")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NOTIFYING = "notifying", _("Members being told")
        EXECUTED = "executed", _("Executed")
        CANCELLED = "cancelled", _("Cancelled")

    recipient = models.CharField(_("recipient"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    planned_at = models.DateTimeField(_("planned date"))
    categories = models.JSONField(_("data categories"), default=list)
    # Members in scope: active within this many days when the notices start.
    active_within_days = models.PositiveIntegerField(_("members active within (days)"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    notices_started_at = models.DateTimeField(_("notices started at"), null=True, blank=True)
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    dataset_name = models.CharField(_("dataset file"), max_length=200, blank=True)
    dataset_members = models.PositiveIntegerField(_("members in the dataset"), default=0)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-planned_at"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"Transfer {self.pk} to {self.recipient}"


class TransferNotice(Delivery):
    """The e-mail telling a member in scope about a transfer: exactly once."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="notices")

    class Meta(Delivery.Meta):
        verbose_name = _("transfer notice")
        verbose_name_plural = _("transfer notices")
        constraints = [
            models.UniqueConstraint(
                fields=["transfer", "member"], name="legal_transfer_notice_once"
            )
        ]

    class Privacy:
        area = areas.RECORDS
        label = _("Transfer notices")
        description = _(
            "The e-mails telling you about a merger, acquisition, sale or receivership."
        )
        subject = "member"
        timestamp = "created_at"
        retention = REGISTER_RETENTION
        fields = {
            "transfer": Personal(categories.TRANSFERS, ["S6"], Erasure.DELETE),
            "status": Personal(categories.TRANSFERS, ["S6"], Erasure.DELETE),
            "sent_at": Personal(categories.TRANSFERS, ["S6"], Erasure.DELETE),
            "created_at": Personal(categories.TRANSFERS, ["S6"], Erasure.DELETE),
        }
        technical = ["id", "member", "attempts", "next_attempt_at", "claimed_at", "error"]

    def __str__(self) -> str:
        return f"Transfer notice {self.pk}"


class TransferObjection(models.Model):
    """A member who said no: their data is left out of the transfer."""

    transfer = models.ForeignKey(
        Transfer, on_delete=models.PROTECT, related_name="objections", verbose_name=_("transfer")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(_("objected at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("objection to a transfer")
        verbose_name_plural = _("objections to transfers")
        constraints = [
            models.UniqueConstraint(fields=["transfer", "member"], name="legal_objection_once")
        ]

    class Privacy:
        area = areas.RECORDS
        label = _("Your objections to transfers")
        description = _("When you objected to your data being transferred to a new owner.")
        subject = "member"
        timestamp = "created_at"
        retention = REGISTER_RETENTION
        fields = {
            "transfer": Personal(categories.TRANSFERS, ["S6"], Erasure.DELETE),
            "created_at": Personal(categories.TRANSFERS, ["S6"], Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        return f"Objection {self.pk}"
