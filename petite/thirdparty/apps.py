from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThirdpartyConfig(AppConfig):
    name = "petite.thirdparty"
    verbose_name = _("Third-party apps")
