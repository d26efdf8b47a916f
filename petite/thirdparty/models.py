"""Third-party apps (S3): the apps staff register, and each member's authorisation of one.

``Application`` is django-oauth-toolkit's application model, swapped in
(``OAUTH2_PROVIDER_APPLICATION_MODEL``) to carry what a member must see before
trusting an app: who runs it and where its privacy policy is. Grants and tokens
stay django-oauth-toolkit's models; they are declared to the privacy registry in
:mod:`petite.thirdparty.privacy`.

``Authorisation`` is the member's side of the relationship, one row per member and
app: the scopes granted, when first, and when the app last read something. The
"Authorised apps" page is built from it, and revoking the app deletes it together
with every grant and token of the pair.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication

from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal


class Application(AbstractApplication):
    """An app registered by staff in the back-office: authorisation code with PKCE only."""

    owner = models.CharField(
        _("owner"),
        max_length=200,
        help_text=_("The company or person who runs the app and answers for its use of data."),
    )
    privacy_policy_url = models.URLField(
        _("privacy policy URL"),
        max_length=500,
        help_text=_("Shown to members on the consent screen, before they authorise the app."),
    )
    website = models.URLField(_("website"), max_length=500, blank=True)
    description = models.TextField(
        _("description"),
        max_length=1000,
        blank=True,
        help_text=_("What the app does, in one or two sentences shown on the consent screen."),
    )
    # Who registered the app: never set by the back-office (apps belong to their owner).
    # Deleting that member must not delete the app under everyone's feet.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )
    # The one grant offered, and ID tokens signed with the Platform's RSA key.
    authorization_grant_type = models.CharField(
        _("authorization grant type"),
        max_length=44,
        choices=[(AbstractApplication.GRANT_AUTHORIZATION_CODE, _("Authorization code"))],
        default=AbstractApplication.GRANT_AUTHORIZATION_CODE,
    )
    algorithm = models.CharField(
        _("algorithm"),
        max_length=5,
        choices=AbstractApplication.ALGORITHM_TYPES,
        default=AbstractApplication.RS256_ALGORITHM,
        blank=True,
    )

    class Meta(AbstractApplication.Meta):
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"
        verbose_name = _("third-party app")
        verbose_name_plural = _("third-party apps")
        ordering = ["name"]

    class Privacy:
        area = areas.APPS
        label = _("Apps you registered")
        description = _("Apps you registered as a developer.")
        # Apps belong to their owner, not to a member. django-oauth-toolkit's ``user``
        # (who registered it) is never set by the back-office; should it be, erasing
        # that member unlinks the app rather than deleting it under everyone's feet.
        subject = "user"
        fields = {
            "user": Personal(categories.ACTIVITY_RECORDS, ["P1"], Erasure.BLANK),
        }
        technical = [
            "id",
            "client_id",
            "redirect_uris",
            "post_logout_redirect_uris",
            "client_type",
            "authorization_grant_type",
            "client_secret",
            "hash_client_secret",
            "name",
            "skip_authorization",
            "created",
            "updated",
            "algorithm",
            "allowed_origins",
            "registration_source",
            "cimd_expires_at",
            "owner",
            "privacy_policy_url",
            "website",
            "description",
        ]

    def __str__(self) -> str:
        return self.name or self.client_id

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.error_dict)
        if self.authorization_grant_type != AbstractApplication.GRANT_AUTHORIZATION_CODE:
            errors.setdefault("authorization_grant_type", []).append(
                ValidationError(_("Only the authorisation code grant (with PKCE) is offered."))
            )
        if self.skip_authorization:
            errors.setdefault("skip_authorization", []).append(
                ValidationError(_("Members always see the consent screen."))
            )
        if errors:
            raise ValidationError(errors)


class Authorisation(models.Model):
    """A member's authorisation of one app: what it may read, since when, last used when."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="app_authorisations",
        verbose_name=_("member"),
    )
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="authorisations",
        verbose_name=_("app"),
    )
    # The app's name when it was authorised: the export and the page read it
    # without knowing the back-office's numbering of apps.
    app_name = models.CharField(_("app name"), max_length=255, blank=True)
    # Space-separated, as OAuth writes them: every scope granted and not revoked.
    scope = models.TextField(_("scopes granted"), blank=True)
    first_authorised_at = models.DateTimeField(_("first authorised"), default=timezone.now)
    last_authorised_at = models.DateTimeField(_("last authorised"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("app authorisation")
        verbose_name_plural = _("app authorisations")
        ordering = ["-last_authorised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "application"], name="thirdparty_one_authorisation_per_app"
            )
        ]

    class Privacy:
        area = areas.APPS
        label = _("Authorised apps")
        description = _("Apps you allowed to read some of your data, and what they may read.")
        subject = "member"
        manage_url = "thirdparty:index"
        fields = {
            "application": Personal(categories.AUTHORISED_APPS, ["P1"], Erasure.DELETE),
            "app_name": Personal(categories.AUTHORISED_APPS, ["P1"], Erasure.DELETE),
            "scope": Personal(categories.AUTHORISED_APPS, ["P1"], Erasure.DELETE),
            "first_authorised_at": Personal(categories.AUTHORISED_APPS, ["P1"], Erasure.DELETE),
            "last_authorised_at": Personal(categories.AUTHORISED_APPS, ["P1"], Erasure.DELETE),
            "last_used_at": Personal(categories.AUTHORISED_APPS, ["P1"], Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        return f"App authorisation #{self.pk}"

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()
