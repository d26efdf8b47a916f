from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from petite.privacy import stores


class RightsConfig(AppConfig):
    name = "petite.rights"
    verbose_name = _("Your data")

    def ready(self) -> None:
        # Imported here: models cannot be imported before the app registry is ready.
        from . import actions
        from .models import export_storage

        stores.storage("exports", export_storage)
        stores.file_store(
            stores.FileStore(
                key="rights.exports",
                label=_("Archives of your data"),
                description=_(
                    "The archive of your data you asked for, kept until you download it "
                    "or it expires."
                ),
                storage="exports",
                purposes=("P1",),
                category="account",  # privacy.categories.ACCOUNT
                retention_days_setting="PETITE_EXPORT_EXPIRY_DAYS",
                # Each archive is named by its row (DataExport.archive): the row's
                # declaration exports and erases it; an archive is not put in the next one.
                exported=False,
            )
        )

        from petite.core import navigation
        from petite.privacy import fulfilment

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
