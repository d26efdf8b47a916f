from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from petite.privacy import stores


class PortraitsConfig(AppConfig):
    name = "petite.portraits"
    verbose_name = _("Portraits")

    def ready(self) -> None:
        from petite.core import navigation

        navigation.settings_page(
            section=navigation.PROFILE,
            label=_("Your Portrait"),
            url_name="portraits:edit",
            order=20,
            also=("portraits:clear",),
        )
        # The page the privacy notice links to (privacy names no app's URL).
        stores.page(stores.PORTRAIT, "portraits:edit")
