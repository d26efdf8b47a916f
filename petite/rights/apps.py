from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "petite.rights"
    verbose_name = _("Your data")

    def ready(self) -> None:
        from petite.core import navigation
        from petite.privacy import fulfilment

        from . import actions

        navigation.settings_page(
            section=navigation.PROFILE,
            label=_("Names and language"),
            url_name="rights:identity",
            order=10,
        )
        navigation.settings_page(
            section=navigation.PRIVACY,
            label=_("Your data"),
            url_name="rights:index",
            order=10,
            also=("rights:exports", "rights:export"),
        )

        # The data-request desk starts exports through the privacy core (no app-to-app import).
        fulfilment.provide_export(actions.start_export)
