from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from petite.privacy import stores


class ContactConfig(AppConfig):
    name = "petite.contact"
    verbose_name = _("Contact")

    def ready(self) -> None:
        # The page the privacy notice links to (privacy names no app's URL).
        stores.page(stores.CONTACT_FORM, "contact:form")
