from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortraitsConfig(AppConfig):
    name = "petite.portraits"
    verbose_name = _("Portraits")
