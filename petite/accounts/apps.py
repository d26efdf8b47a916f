from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "petite.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import receivers
        from .privacy import register_third_party_models

        register_third_party_models()
        receivers.connect()
