from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from petite.core import malware, placements
from petite.privacy import stores


class PaymentsConfig(AppConfig):
    name = "petite.payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # Evidence files are rescanned when clamd's signatures change (P8).
        malware.stored_files("payments.DisputeEvidence", "file")
        stores.file_store(
            stores.FileStore(
                key="payments.evidence",
                label=_("Evidence in payment disputes"),
                description=_(
                    "Documents our team adds to a payment dispute, such as proof of delivery."
                ),
                storage="default",
                prefix="payments/evidence/",
                purposes=("P9",),
                category="disputes",  # privacy.categories.DISPUTES
                # Each file is named by its DisputeEvidence row: the row's declaration
                # rules its retention, export and erasure.
                exported=False,
            )
        )
        # Say in words which page an offer context names ("why this ad").
        placements.describe_with("offer", _offer_page)


def _offer_page(slug: str) -> str:
    from .models import Offer  # models load after the app registry

    offer = Offer.objects.filter(slug=slug).first()
    return str(_("the offer “%(name)s”") % {"name": offer.name}) if offer else ""
