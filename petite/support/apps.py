from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from petite.core import admin as core_admin
from petite.core import inbound, navigation
from petite.privacy import stores


class SupportConfig(AppConfig):
    name = "petite.support"
    verbose_name = _("Help desk")

    def ready(self) -> None:
        # Both import the models, which are not loaded when this module is.
        from . import admin
        from . import inbound as desk

        # E-mail to the help address or a reply address reaches the desk through the
        # data-request desk's webhook and command (petite.core.inbound).
        inbound.register(desk.handle)
        # Staff turn a contact message into a help request from the contact inbox.
        core_admin.offer_action(
            "contact.contactmessage", "make_help_request", admin.make_help_request
        )
        navigation.settings_page(
            section=navigation.HELP,
            label=_("Your help requests"),
            url_name="support:list",
            order=10,
        )
        stores.file_store(
            stores.FileStore(
                key="support.attachments",
                label=_("Help request attachments"),
                description=_("Files you attach to a help request, kept with the request."),
                purposes=("P6",),
                prefix="support/",
                category="help_requests",
            )
        )
