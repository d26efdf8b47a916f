from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "petite.payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from petite.core import malware

        # Evidence files are rescanned when clamd's signatures change (P8).
        malware.stored_files("payments.DisputeEvidence", "file")
