"""The data-request desk: requests by e-mail, in the app or from staff, with deadlines (U2-U6)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from petite.privacy import stores

from . import quarantine


class DataRequestsConfig(AppConfig):
    name = "petite.datarequests"
    verbose_name = _("Data requests")

    def ready(self) -> None:
        # anymail hands inbound e-mail over only through its `inbound` signal.
        from anymail.signals import inbound

        from .inbound import receive_anymail_event

        inbound.connect(receive_anymail_event, dispatch_uid="petite.datarequests.inbound")

        stores.storage("quarantine", quarantine.storage)
        stores.file_store(
            stores.FileStore(
                key="datarequests.quarantine",
                label=_("Unreadable request e-mails"),
                description=_(
                    "An e-mail to the data-request desk that could not be filed, kept as "
                    "it arrived until a person from our team files it."
                ),
                storage="quarantine",
                purposes=("P6",),
                category="data_requests",  # privacy.categories.DATA_REQUESTS
                retention_days_setting="PETITE_DATA_REQUEST_QUARANTINE_RETENTION_DAYS",
                owned_by=quarantine.messages_from,
            )
        )
