from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from petite.core import navigation


class PrivacyConfig(AppConfig):
    name = "petite.privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # Imported here: platform imports models, which cannot be imported before
        # the app registry is ready (when this module is loaded); importing checks
        # registers the system checks.
        from . import checks, platform, roles  # noqa: F401

        platform.register()

        navigation.settings_page(
            section=navigation.PRIVACY,
            label=_("Who looked at your data"),
            url_name="privacy:access_log",
            order=60,
        )
