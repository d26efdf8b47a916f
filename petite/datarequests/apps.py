"""The data-request desk: requests by e-mail, in the app or from staff, with deadlines (U2-U6)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataRequestsConfig(AppConfig):
    name = "petite.datarequests"
    verbose_name = _("Data requests")

    def ready(self) -> None:
        # anymail hands inbound e-mail over only through its `inbound` signal.
        from anymail.signals import inbound

        from .inbound import receive_anymail_event

        inbound.connect(receive_anymail_event, dispatch_uid="petite.datarequests.inbound")
