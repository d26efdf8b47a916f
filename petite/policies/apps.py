from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "petite.policies"
    verbose_name = _("Policy versions")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers policies.W001)
