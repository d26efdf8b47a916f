"""Advertising (P7): the inventory staff manage, and the interest profile a member
keeps only while they agree to personalised advertising.

Inventory (no personal data): interest categories (never a GDPR Art. 9 special
category), advertisers, campaigns with dates, placements and an impression budget,
creatives, and per-campaign daily counts. Profile (personal data, consent only):
the interests drawn from what the member viewed here, those they added or
removed, the advertisers they blocked, and a daily count per campaign for
frequency capping. Withdrawing consent deletes the whole profile at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from petite.core.models import ScannedFile
from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal
from petite.privacy.purposes import Retention

from .taxonomy import SPECIAL_CATEGORY_MESSAGE, special_category_in

P7 = ["P7"]


class Placement(models.TextChoices):
    HOME = "home", _("Home page")
    ARTICLE = "article", _("Articles")
    OFFER = "offer", _("Offers")


class InterestCategory(models.Model):
    """An interest an advertisement may be chosen for ("Travel", "Cooking")."""

    key = models.SlugField(_("short name"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_fr = models.CharField(_("name (French)"), max_length=80)
    # The page contexts that show an interest in it: "article:travel", "offer:supporter".
    contexts = models.JSONField(
        _("pages that show this interest"),
        default=list,
        blank=True,
        help_text=_('One per line in the form, for example "article:travel" or "offer:supporter".'),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        # Whatever the path (back-office, action, shell, data migration): never an Art. 9 one.
        self.clean()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        if special_category_in(self.key, self.name_en, self.name_fr, *map(str, self.contexts)):
            raise ValidationError(SPECIAL_CATEGORY_MESSAGE, code="special_category")

    @property
    def name(self) -> str:
        return self.name_fr if translation.get_language() == "fr" else self.name_en


class Advertiser(models.Model):
    """On whose behalf an advertisement is shown, and who paid for it (DSA Art. 26(1)(b-c))."""

    name = models.CharField(_("name shown on the ads"), max_length=120, unique=True)
    paid_by = models.CharField(
        _("paid by"), max_length=120, blank=True, help_text=_("Empty: the advertiser itself.")
    )
    contact_email = models.EmailField(_("contact address for reports"), blank=True)
    receives_reports = models.BooleanField(_("receives reports"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("advertiser")
        verbose_name_plural = _("advertisers")

    def __str__(self) -> str:
        return self.name

    @property
    def payer(self) -> str:
        return self.paid_by or self.name


class Campaign(models.Model):
    advertiser = models.ForeignKey(
        Advertiser, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("advertiser")
    )
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    budget_impressions = models.PositiveIntegerField(_("budget (times shown)"))
    impressions = models.PositiveIntegerField(_("times shown so far"), default=0, editable=False)
    on_home = models.BooleanField(_("on the home page"), default=False)
    on_articles = models.BooleanField(_("on articles"), default=False)
    on_offers = models.BooleanField(_("on offers"), default=False)
    # Targeting: interests (only for members who agreed) and page contexts (anyone).
    interests = models.ManyToManyField(
        InterestCategory, blank=True, related_name="campaigns", verbose_name=_("interests")
    )
    contexts = models.JSONField(
        _("pages"),
        default=list,
        blank=True,
        help_text=_('Page contexts shown to everyone, for example "home" or "article:travel".'),
    )

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="ads_campaign_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day comes before the first.")})


class Creative(ScannedFile):
    """What is shown: a headline, a line of text, a destination, optionally an image
    (scanned for malware before it is stored, rescanned when signatures change)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="creatives", verbose_name=_("campaign")
    )
    headline = models.CharField(_("headline"), max_length=80)
    text = models.CharField(_("text"), max_length=200, blank=True)
    destination = models.URLField(_("destination address"))
    image = models.ImageField(_("image"), upload_to="ads/creatives/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("advertisement")
        verbose_name_plural = _("advertisements")

    def __str__(self) -> str:
        return self.headline


class DailyCount(models.Model):
    """Impressions and clicks of a campaign on one day: counts only, about no one."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="daily", verbose_name=_("campaign")
    )
    day = models.DateField(_("day"))
    impressions = models.PositiveIntegerField(_("times shown"), default=0)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "day"], name="ads_one_count_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.day}"


class Report(models.Model):
    """An aggregate report handed to an advertiser (and written to the disclosure log)."""

    advertiser = models.ForeignKey(
        Advertiser, on_delete=models.PROTECT, related_name="reports", verbose_name=_("advertiser")
    )
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    # [{"campaign": name, "day": iso, "impressions": n|None, "clicks": n|None}]
    rows = models.JSONField(_("rows"), default=list)
    suppressed_cells = models.PositiveIntegerField(_("cells withheld (too small)"), default=0)
    created_at = models.DateTimeField(_("handed over"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report to an advertiser")
        verbose_name_plural = _("reports to advertisers")

    def __str__(self) -> str:
        return f"{self.advertiser} · {self.first_day} to {self.last_day}"


def _profile_retention() -> Retention:
    return Retention(
        _("until you withdraw your consent, and %(period)s after the interest was last seen"),
        "PETITE_ADS_INTEREST_DAYS",
    )


class ProfileInterest(models.Model):
    """One interest in a member's profile: drawn from pages they viewed, or added by them."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ad_interests"
    )
    interest = models.ForeignKey(
        InterestCategory, on_delete=models.CASCADE, related_name="+", verbose_name=_("interest")
    )
    weight = models.PositiveIntegerField(_("pages viewed"), default=0)
    added_by_member = models.BooleanField(_("added by you"), default=False)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-added_by_member", "-weight", "-last_seen_at"]
        verbose_name = _("interest in your ad profile")
        verbose_name_plural = _("interests in your ad profile")
        constraints = [
            models.UniqueConstraint(fields=["member", "interest"], name="ads_one_interest_each")
        ]

    def __str__(self) -> str:
        return str(self.interest)

    class Privacy:
        subject = "member"
        area = areas.CHOICES
        label = _("Interests in your ad profile")
        description = _(
            "The interests drawn from the pages you viewed, or that you added, used to choose advertisements."
        )
        fields = {
            "member": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
            "interest": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
            "weight": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
            "added_by_member": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
            "last_seen_at": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
        }
        technical = ["id"]
        timestamp = "last_seen_at"
        retention = _profile_retention()
        manage_url = "ads:profile"


class ExcludedInterest(models.Model):
    """An interest the member removed: never used to choose their ads again."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ad_exclusions"
    )
    interest = models.ForeignKey(
        InterestCategory, on_delete=models.CASCADE, related_name="+", verbose_name=_("interest")
    )
    created_at = models.DateTimeField(_("removed on"), default=timezone.now)

    class Meta:
        verbose_name = _("interest you removed")
        verbose_name_plural = _("interests you removed")
        constraints = [
            models.UniqueConstraint(fields=["member", "interest"], name="ads_one_exclusion_each")
        ]

    def __str__(self) -> str:
        return str(self.interest)

    class Privacy:
        subject = "member"
        area = areas.CHOICES
        label = _("Interests you removed from your ad profile")
        description = _("Interests never to be used again to choose your advertisements.")
        fields = {
            "member": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
            "interest": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
            "created_at": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
        }
        technical = ["id"]
        timestamp = "created_at"
        # Kept while the member keeps the choice; deleted with the profile.
        retention = Retention.account_lifetime()
        manage_url = "ads:profile"


class BlockedAdvertiser(models.Model):
    """An advertiser whose ads the member never wants to see (kept with or without consent)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_advertisers"
    )
    advertiser = models.ForeignKey(
        Advertiser, on_delete=models.CASCADE, related_name="+", verbose_name=_("advertiser")
    )
    created_at = models.DateTimeField(_("blocked on"), default=timezone.now)

    class Meta:
        verbose_name = _("advertiser you blocked")
        verbose_name_plural = _("advertisers you blocked")
        constraints = [
            models.UniqueConstraint(fields=["member", "advertiser"], name="ads_one_block_each")
        ]

    def __str__(self) -> str:
        return str(self.advertiser)

    class Privacy:
        subject = "member"
        area = areas.CHOICES
        label = _("Advertisers you blocked")
        description = _("Advertisers whose advertisements you never want to see.")
        fields = {
            "member": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
            "advertiser": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
            "created_at": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
        }
        technical = ["id"]
        timestamp = "created_at"
        # A block protects the member: it stays until they lift it or leave.
        retention = Retention.account_lifetime()
        manage_url = "ads:profile"


class Exposure(models.Model):
    """How many times a campaign was shown to a consenting member on one day (frequency cap)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ad_exposures"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", verbose_name=_("campaign")
    )
    day = models.DateField(_("day"), db_index=True)
    shown = models.PositiveIntegerField(_("times shown"), default=0)

    class Meta:
        verbose_name = _("advertisement shown to you")
        verbose_name_plural = _("advertisements shown to you")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "campaign", "day"], name="ads_one_exposure_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.day}"

    class Privacy:
        subject = "member"
        area = areas.CHOICES
        label = _("Advertisements shown to you")
        description = _(
            "How many times a day each campaign was shown to you, to show it no more than a few times."
        )
        fields = {
            "member": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
            "campaign": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
            "day": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
            "shown": Personal(categories.ADVERTISING, P7, Erasure.DELETE),
        }
        technical = ["id"]
        timestamp = "day"
        retention = _profile_retention()
