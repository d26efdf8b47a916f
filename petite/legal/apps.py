from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "petite.legal"
    verbose_name = _("Authority requests and transfers")

    def ready(self) -> None:
        from petite.privacy import holds, stores

        from . import selectors

        # Erasure and retention ask the privacy core; this app answers for its holds.
        holds.provide(selectors.held_member_ids)
        stores.file_store(
            stores.FileStore(
                key="legal.packages",
                label=_("Disclosure packages and transfer datasets"),
                description=_(
                    "The encrypted copy of what an authority's order or a transfer covers, "
                    "kept until it is handed over and deleted with its record."
                ),
                storage="default",
                prefix="legal/",
                purposes=("S5", "S6"),
                category="legal_requests",
                retention_days_setting="PETITE_LEGAL_REGISTER_RETENTION_DAYS",
                exported=False,
                scanned=False,
            )
        )
