"""The member (R1.1), the connection log and the daily usage counts (R1.2)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.privacy import areas, categories, purposes
from petite.privacy.declarations import Erasure, Personal


class MemberManager(BaseUserManager["Member"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> Member:
        if not email:
            raise ValueError("A member needs an e-mail address.")
        member = self.model(email=self.normalize_email(email).lower(), **extra)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> Member:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> Member:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def visible(self) -> models.QuerySet[Member]:
        """Members other people and platform features may see or contact: active, and
        not closing their account (see ``Member.is_closing``)."""
        return self.filter(is_active=True, deletion_due_at__isnull=True)

    def closing(self) -> models.QuerySet[Member]:
        """Members whose account deletion is pending (U2)."""
        return self.filter(deletion_due_at__isnull=False)


class Member(AbstractUser):
    """A person with an account. The e-mail address is the login; there is no username.

    **Closing accounts (U2, E4).** A member who asks to delete their account is
    *closing* (``is_closing``: ``deletion_due_at`` is set) until the erasure runs, at
    the due date, or at once if they chose so. ``is_active`` stays true, so that they
    can still sign in to cancel, but every feature must treat a closing member as gone:

    - lists, search, profiles and messaging show only ``Member.objects.visible()``;
    - nothing is e-mailed to them unless ``petite.accounts.selectors.can_email(member)``
      says so (campaigns, notices, notifications); the confirmation of the erasure is
      the one exception, and the last message they receive;
    - signing in lands on the page that offers to cancel the deletion.
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("The language of our e-mails to you.")
    )
    deletion_requested_at = models.DateTimeField(
        _("account deletion requested"), null=True, blank=True
    )
    deletion_due_at = models.DateTimeField(
        _("account deletion due"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the account will be erased, unless the member cancels."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["first_name", "last_name"]

    objects: ClassVar[MemberManager] = MemberManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    class Privacy:
        area = areas.ACCOUNT
        label = _("Your account")
        description = _(
            "Your name, e-mail address, password (only as a hash) and the language of our e-mails."
        )
        subject = ""
        # First and last name and language; e-mail and password have their own pages.
        manage_url = "rights:identity"
        fields = {
            "first_name": Personal(categories.IDENTITY, ["P1", "P4"], Erasure.DELETE),
            "last_name": Personal(categories.IDENTITY, ["P1", "P4"], Erasure.DELETE),
            "email": Personal(categories.CONTACT, ["P1", "P4"], Erasure.DELETE),
            "password": Personal(categories.CREDENTIALS, ["P4"], Erasure.DELETE),
            "language": Personal(categories.ACCOUNT, ["P1"], Erasure.DELETE),
            "date_joined": Personal(categories.ACCOUNT, ["P1"], Erasure.DELETE),
            "last_login": Personal(categories.CONNECTION, ["P1", "P8"], Erasure.DELETE),
            "is_active": Personal(categories.ACCOUNT, ["P1"], Erasure.DELETE),
            "deletion_requested_at": Personal(categories.ACCOUNT, ["P1"], Erasure.DELETE),
            "deletion_due_at": Personal(categories.ACCOUNT, ["P1"], Erasure.DELETE),
        }
        technical = ["id", "is_staff", "is_superuser", "groups", "user_permissions"]

    def __str__(self) -> str:
        # Never the name or address: Django's admin copies this text into its
        # history (LogEntry.object_repr), which would outlive an erasure.
        return f"Member #{self.pk}"

    @property
    def is_closing(self) -> bool:
        """Whether the member asked for their account to be deleted and it has not been yet."""
        return self.deletion_due_at is not None


class ConnectionEvent(models.Model):
    """One sign-in attempt, successful or not: the connection log of R1.2.

    Minimisation: a failed attempt is tied to a member only when the e-mail typed
    belongs to one (it then appears in that member's own history). When it matches
    no member, the typed e-mail is not kept at all: a stranger's address (or a typo
    of someone else's) would be personal data we have no use for. Such rows keep
    only the IP address, browser and location, for security (P8), and are purged
    with every other row after the retention period (12 months).
    """

    class Method(models.TextChoices):
        PASSWORD = "password", _("Password")
        MFA = "mfa", _("Password and two-factor code")
        REAUTHENTICATION = "reauthentication", _("Confirming your identity")

    class Failure(models.TextChoices):
        CREDENTIALS = "credentials", _("Wrong e-mail address or password")
        MFA_CODE = "mfa-code", _("Wrong two-factor code")
        UNVERIFIED = "unverified", _("E-mail address not verified yet")
        LOCKED_OUT = "locked-out", _("Locked out after too many failed attempts")
        RATE_LIMITED = "rate-limited", _("Refused: too many attempts in a short time")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="connection_events",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    succeeded = models.BooleanField(_("succeeded"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    failure = models.CharField(
        _("reason of failure"), max_length=20, choices=Failure.choices, blank=True
    )
    ip = models.GenericIPAddressField(_("IP address"))
    user_agent = models.CharField(_("browser (user agent)"), max_length=512, blank=True)
    country_code = models.CharField(_("country code"), max_length=2, blank=True)
    country_name = models.CharField(_("country"), max_length=100, blank=True)
    asn = models.PositiveBigIntegerField(_("network number (ASN)"), null=True, blank=True)
    network_name = models.CharField(_("network"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "-created_at"], name="connection_member_time")]
        verbose_name = _("connection event")
        verbose_name_plural = _("connection log")

    class Privacy:
        area = areas.SIGNINS
        label = _("Sign-in history")
        description = _(
            "Each attempt to sign in to your account: when, from which device, and roughly where."
        )
        subject = "member"
        timestamp = "created_at"
        retention = purposes.P8.retention
        fields = {
            "created_at": Personal(categories.CONNECTION, ["P4", "P8"], Erasure.DELETE),
            "succeeded": Personal(categories.CONNECTION, ["P4", "P8"], Erasure.DELETE),
            "method": Personal(categories.CONNECTION, ["P4", "P8"], Erasure.DELETE),
            "failure": Personal(categories.CONNECTION, ["P4", "P8"], Erasure.DELETE),
            "ip": Personal(categories.CONNECTION, ["P4", "P8"], Erasure.DELETE),
            "user_agent": Personal(categories.CONNECTION, ["P4", "P8"], Erasure.DELETE),
            "country_code": Personal(categories.LOCATION, ["P4", "P8"], Erasure.DELETE),
            "country_name": Personal(categories.LOCATION, ["P4", "P8"], Erasure.DELETE),
            "asn": Personal(categories.LOCATION, ["P4", "P8"], Erasure.DELETE),
            "network_name": Personal(categories.LOCATION, ["P4", "P8"], Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        outcome = _("success") if self.succeeded else _("failure")
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_method_display()} {outcome}"


class UsageCount(models.Model):
    """How many requests a member made to one area of the Platform on one day (R1.2, P2).

    Aggregated at the source: no URL, no time of day, no click stream is kept.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="usage_counts",
        verbose_name=_("member"),
    )
    day = models.DateField(_("day"))
    area = models.CharField(_("area"), max_length=40)
    count = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        ordering = ["-day", "area"]
        constraints = [
            models.UniqueConstraint(fields=["member", "day", "area"], name="usage_member_day_area")
        ]
        verbose_name = _("usage count")
        verbose_name_plural = _("usage counts")

    class Privacy:
        area = areas.SIGNINS
        label = _("Pages you visited (daily counts)")
        description = _(
            "How many times a day you opened each part of the site, with your consent to audience measurement."
        )
        subject = "member"
        timestamp = "day"
        fields = {
            "day": Personal(categories.USAGE, ["P2"], Erasure.DELETE),
            "area": Personal(categories.USAGE, ["P2"], Erasure.DELETE),
            "count": Personal(categories.USAGE, ["P2"], Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        return f"{self.day} {self.area}: {self.count}"


class SpentToken(models.Model):
    """A signed single-use link that has been used (``petite.accounts.tokens``).

    Only a digest of the link's random identifier is kept: no member, no address.
    The unique digest makes a second use fail even when two requests race.
    Rows outlive the link's validity by nothing: they are purged once it expired.
    """

    digest = models.CharField(_("digest"), max_length=64, unique=True)
    spent_at = models.DateTimeField(_("used at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("used link")
        verbose_name_plural = _("used links")

    def __str__(self) -> str:
        return self.digest[:12]
