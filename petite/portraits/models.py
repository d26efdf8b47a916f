"""The Portrait: a member's optional profile, with an encrypted postal address (R1.3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from petite.core.fields import EncryptedTextField
from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal

from .countries import validate_country

# The fields the member fills in, in the order of the form.
PROFILE_FIELDS = ("display_name", "bio", "interests")
ADDRESS_FIELDS = ("street", "postcode", "city", "country")
PORTRAIT_FIELDS = PROFILE_FIELDS + ADDRESS_FIELDS


class Portrait(models.Model):
    """What a member chooses to say about themselves; every field is optional.

    The address is personal data the clause singles out: street, postcode and
    city are encrypted at rest, and neither ``str()`` nor ``repr()`` shows any
    field, so a Portrait in a log line or the admin's history reveals nothing.
    """

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="portrait",
        verbose_name=_("member"),
    )
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("How you would like to be called on the Platform."),
    )
    bio = models.TextField(
        _("short biography"), max_length=500, blank=True, help_text=_("At most 500 characters.")
    )
    interests = models.CharField(
        _("interests"),
        max_length=300,
        blank=True,
        help_text=_("A few words, separated by commas."),
    )
    street = EncryptedTextField(_("street address"), max_length=200, blank=True)
    postcode = EncryptedTextField(_("postcode"), max_length=20, blank=True)
    city = EncryptedTextField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, validators=[validate_country]
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("Portrait")
        verbose_name_plural = _("Portraits")

    class Privacy:
        area = areas.PORTRAIT
        label = _("Your Portrait")
        description = _(
            "Your public profile: the name shown, what you say about yourself, where you live if you say so."
        )
        subject = "member"
        manage_url = "portraits:edit"
        fields = {
            "display_name": Personal(categories.PORTRAIT, ["P1"], Erasure.DELETE),
            "bio": Personal(categories.PORTRAIT, ["P1"], Erasure.DELETE),
            "interests": Personal(categories.PORTRAIT, ["P1"], Erasure.DELETE),
            "street": Personal(categories.POSTAL_ADDRESS, ["P1"], Erasure.DELETE),
            "postcode": Personal(categories.POSTAL_ADDRESS, ["P1"], Erasure.DELETE),
            "city": Personal(categories.POSTAL_ADDRESS, ["P1"], Erasure.DELETE),
            "country": Personal(categories.POSTAL_ADDRESS, ["P1"], Erasure.DELETE),
            "updated_at": Personal(categories.PORTRAIT, ["P1"], Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        return f"Portrait #{self.pk}"

    @property
    def has_address(self) -> bool:
        return any(getattr(self, name) for name in ADDRESS_FIELDS)

    @property
    def interest_list(self) -> list[str]:
        return [item.strip() for item in self.interests.split(",") if item.strip()]
