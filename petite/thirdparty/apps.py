"""OAuth 2 / OpenID Connect apps, their scopes, the API they call and the disclosure of what they read (S3)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThirdpartyConfig(AppConfig):
    name = "petite.thirdparty"
    verbose_name = _("Third-party apps")

    def ready(self) -> None:
        from petite.core import navigation

        from .privacy import register_oauth_models

        register_oauth_models()
        navigation.settings_page(
            section=navigation.PRIVACY,
            label=_("Authorised apps"),
            url_name="thirdparty:index",
            order=30,
            also=("thirdparty:reads", "thirdparty:revoke"),
        )
