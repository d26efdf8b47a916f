"""Security records (P8): recognised devices, sign-ins and their alerts, malware
detections, and the register of security incidents (GDPR Art. 33(5)) with the
members each one affected and the Art. 34 notices sent to them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.core.models import Delivery
from petite.privacy import categories, purposes
from petite.privacy.declarations import Erasure, Personal

SECURITY = categories.SECURITY
P8 = ["P8"]

REGISTER_RETENTION = purposes.Retention(
    _(
        "%(period)s after the incident, as the register of personal data breaches "
        "(GDPR Art. 33(5)) is the proof the authority may ask for, then deleted"
    ),
    "PETITE_INCIDENT_RETENTION_DAYS",
)
REGISTER_REASON = _("the register of personal data breaches must be kept (GDPR Art. 33(5))")


class KnownDevice(models.Model):
    """A browser the member signed in from, recognised by its device cookie."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    # SHA-256 of the random id in the signed cookie: the cookie alone names the device.
    device_hash = models.CharField(_("device"), max_length=64)
    description = models.CharField(_("browser"), max_length=100, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        verbose_name = _("recognised device")
        verbose_name_plural = _("recognised devices")
        constraints = [
            models.UniqueConstraint(fields=["member", "device_hash"], name="security_device_once")
        ]

    class Privacy:
        subject = "member"
        timestamp = "last_seen_at"
        retention = purposes.P8.retention
        fields = {
            "device_hash": Personal(SECURITY, P8, Erasure.DELETE),
            "description": Personal(SECURITY, P8, Erasure.DELETE),
            "first_seen_at": Personal(SECURITY, P8, Erasure.DELETE),
            "last_seen_at": Personal(SECURITY, P8, Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        return self.description or self.device_hash[:8]


class SignIn(models.Model):
    """One successful sign-in, as the risk check compares it with the next ones."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    # The /16 (IPv4) or /64 (IPv6) network, never the full address.
    network = models.CharField(_("network"), max_length=50, blank=True)
    country_code = models.CharField(_("country"), max_length=2, blank=True)
    device_hash = models.CharField(_("device"), max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["member", "-at"], name="security_signin_member_time")]
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")

    class Privacy:
        subject = "member"
        timestamp = "at"
        retention = purposes.P8.retention
        fields = {
            "at": Personal(categories.CONNECTION, P8, Erasure.DELETE),
            "network": Personal(categories.LOCATION, P8, Erasure.DELETE),
            "country_code": Personal(categories.LOCATION, P8, Erasure.DELETE),
            "device_hash": Personal(SECURITY, P8, Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


class SignInAlert(models.Model):
    """An unusual sign-in the member was told about: at most one per device per day."""

    class Reason(models.TextChoices):
        NEW_DEVICE = "new_device", _("a device not seen before")
        NEW_NETWORK = "new_network", _("a network not seen before")
        NEW_COUNTRY = "new_country", _("a country not seen before")
        IMPOSSIBLE_TRAVEL = "impossible_travel", _("too far from the previous sign-in, too soon")
        SECOND_FACTOR = "second_factor", _("the right password followed by a wrong code")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    day = models.DateField(_("day"))
    device_hash = models.CharField(_("device"), max_length=64)
    device = models.CharField(_("browser"), max_length=100, blank=True)
    country_code = models.CharField(_("country"), max_length=2, blank=True)
    place = models.CharField(_("approximate place"), max_length=200, blank=True)
    reasons = models.JSONField(_("reasons"), default=list)
    # "This wasn't me": when the member used the alert's link (it works once).
    disowned_at = models.DateTimeField(_("reported as not the member"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sign-in alert")
        verbose_name_plural = _("sign-in alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "device_hash", "day"], name="security_alert_once_a_day"
            )
        ]

    class Privacy:
        subject = "member"
        timestamp = "created_at"
        retention = purposes.P8.retention
        fields = {
            "created_at": Personal(SECURITY, P8, Erasure.DELETE),
            "day": Personal(SECURITY, P8, Erasure.DELETE),
            "device_hash": Personal(SECURITY, P8, Erasure.DELETE),
            "device": Personal(SECURITY, P8, Erasure.DELETE),
            "country_code": Personal(categories.LOCATION, P8, Erasure.DELETE),
            "place": Personal(categories.LOCATION, P8, Erasure.DELETE),
            "reasons": Personal(SECURITY, P8, Erasure.DELETE),
            "disowned_at": Personal(SECURITY, P8, Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [str(labels.get(reason, reason)) for reason in self.reasons]


class SecurityEvent(models.Model):
    """Something the platform refused or detected: an infected upload, a file found
    infected by a rescan, a wave of lockouts from one network."""

    class Kind(models.TextChoices):
        MALWARE_UPLOAD = "malware_upload", _("infected upload refused")
        MALWARE_STORED = "malware_stored", _("stored file found infected")
        LOCKOUTS = "lockouts", _("many accounts locked out from one network")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("member"),
    )
    source = models.CharField(_("where"), max_length=100, blank=True)
    signature = models.CharField(_("what was found"), max_length=200, blank=True)
    network = models.CharField(_("network"), max_length=50, blank=True)
    incident = models.ForeignKey(
        "Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("incident"),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    class Privacy:
        subject = "member"
        timestamp = "at"
        retention = purposes.P8.retention
        fields = {
            "member": Personal(SECURITY, P8, Erasure.BLANK),
            "network": Personal(categories.LOCATION, P8, Erasure.BLANK),
        }
        technical = ["id", "kind", "at", "source", "signature", "incident"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Incident(models.Model):
    """One entry of the register of personal data breaches (GDPR Art. 33(5))."""

    class Source(models.TextChoices):
        STAFF = "staff", _("opened by staff")
        MEMBER_REPORT = "member_report", _("a member said a sign-in was not theirs")
        MALWARE = "malware", _("malware detection")
        CREDENTIAL_STUFFING = "credential_stuffing", _("lockouts on many accounts from one network")

    class Authority(models.TextChoices):
        UNDECIDED = "undecided", _("not decided yet")
        NOTIFIED = "notified", _("notified")
        NOT_NOTIFIED = "not_notified", _("not notified (reason recorded)")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    title = models.CharField(_("summary"), max_length=200)
    source = models.CharField(_("opened by"), max_length=20, choices=Source.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )
    aware_at = models.DateTimeField(_("became aware at"), default=timezone.now)
    # Nature of the breach (EDPB Guidelines 9/2022).
    confidentiality = models.BooleanField(_("loss of confidentiality"), default=False)
    integrity = models.BooleanField(_("loss of integrity"), default=False)
    availability = models.BooleanField(_("loss of availability"), default=False)
    # Keys of petite.privacy.categories: the categories of data concerned.
    categories = models.JSONField(_("categories of data"), default=list, blank=True)
    approx_members = models.PositiveIntegerField(_("approximate members"), null=True, blank=True)
    approx_records = models.PositiveIntegerField(_("approximate records"), null=True, blank=True)
    consequences = models.TextField(_("likely consequences"), blank=True)
    measures_taken = models.TextField(_("measures taken"), blank=True)
    measures_proposed = models.TextField(_("measures proposed"), blank=True)
    # What members should do, written into their Art. 34 notice.
    advice = models.TextField(_("advice to members"), blank=True)
    # ENISA severity: DPC x EI + CB (data processing context, ease of
    # identification, circumstances of the breach).
    data_processing_context = models.PositiveSmallIntegerField(
        _("data processing context (1-4)"), default=1
    )
    ease_of_identification = models.DecimalField(
        _("ease of identification (0.25-1)"), max_digits=3, decimal_places=2, default=1
    )
    circumstances = models.DecimalField(
        _("circumstances of the breach (0-2)"), max_digits=3, decimal_places=2, default=0
    )
    authority = models.CharField(
        _("authority"), max_length=20, choices=Authority.choices, default=Authority.UNDECIDED
    )
    not_notified_reason = models.TextField(_("reason for not notifying"), blank=True)
    # The 72-hour warnings already sent (24, 48, 66 hours after aware_at).
    warnings_sent = models.JSONField(_("deadline warnings sent"), default=list, blank=True)
    notices_planned_at = models.DateTimeField(_("member notices planned"), null=True, blank=True)
    network = models.CharField(_("network"), max_length=50, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-aware_at", "-pk"]
        verbose_name = _("security incident")
        verbose_name_plural = _("security incidents")

    class Privacy:
        subject = "reported_by"
        timestamp = "aware_at"
        retention = REGISTER_RETENTION
        fields = {
            "reported_by": Personal(SECURITY, P8, Erasure.BLANK),
            "network": Personal(categories.LOCATION, P8, Erasure.BLANK),
        }
        technical = [
            "id", "reference", "title", "source", "aware_at", "confidentiality", "integrity",
            "availability", "categories", "approx_members", "approx_records", "consequences",
            "measures_taken", "measures_proposed", "advice", "data_processing_context",
            "ease_of_identification", "circumstances", "authority", "not_notified_reason",
            "warnings_sent", "notices_planned_at", "closed_at",
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def deadline(self) -> datetime:
        """Art. 33(1): the authority is told within 72 hours of becoming aware."""
        return self.aware_at + timedelta(hours=72)

    @property
    def severity(self) -> float:
        return float(self.data_processing_context) * float(self.ease_of_identification) + float(
            self.circumstances
        )

    @property
    def severity_band(self) -> str:
        score = self.severity
        if score < 2:
            return "low"
        if score < 3:
            return "medium"
        if score < 4:
            return "high"
        return "very_high"

    @property
    def members_must_be_told(self) -> bool:
        """Art. 34: a high risk to members' rights (ENISA high or very high)."""
        return self.severity_band in ("high", "very_high")


class AuthorityNotification(models.Model):
    """One phase of the notification to the supervisory authority (Art. 33(4))."""

    class Phase(models.TextChoices):
        INITIAL = "initial", _("initial notification")
        ADDITIONAL = "additional", _("additional information")
        FINAL = "final", _("final notification")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("incident")
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    reference = models.CharField(_("authority reference"), max_length=100, blank=True)
    content = models.TextField(_("what was sent"))

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("notification to the authority")
        verbose_name_plural = _("notifications to the authority")

    def __str__(self) -> str:
        return f"{self.get_phase_display()} {self.sent_at:%Y-%m-%d}"


class AffectedMember(models.Model):
    """A member whose data an incident involved, and which categories of it."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="affected", verbose_name=_("incident")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    categories = models.JSONField(_("categories of your data"), default=list)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("affected member")
        verbose_name_plural = _("affected members")
        constraints = [
            models.UniqueConstraint(fields=["incident", "member"], name="security_affected_once")
        ]

    class Privacy:
        subject = "member"
        retention = REGISTER_RETENTION
        timestamp = "added_at"
        fields = {
            "incident": Personal(SECURITY, P8, Erasure.DELETE),
            "categories": Personal(SECURITY, P8, Erasure.DELETE),
            "added_at": Personal(SECURITY, P8, Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.member_id}"

    def category_names(self) -> list[str]:
        return [
            str(categories.CATEGORIES[k].name)
            for k in self.categories
            if k in categories.CATEGORIES
        ]


class IncidentNotice(Delivery):
    """The Art. 34 notice to one affected member: one per member and incident."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="notices", verbose_name=_("incident")
    )

    class Meta(Delivery.Meta):
        verbose_name = _("incident notice")
        verbose_name_plural = _("incident notices")
        constraints = [
            models.UniqueConstraint(fields=["incident", "member"], name="security_notice_once")
        ]

    class Privacy:
        subject = "member"
        timestamp = "created_at"
        retention = REGISTER_RETENTION
        fields = {
            "incident": Personal(SECURITY, P8, Erasure.DELETE),
            "status": Personal(SECURITY, P8, Erasure.DELETE),
            "sent_at": Personal(SECURITY, P8, Erasure.DELETE),
            "created_at": Personal(SECURITY, P8, Erasure.DELETE),
        }
        technical = ["id", "member", "attempts", "next_attempt_at", "claimed_at", "error"]

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.member_id}"
