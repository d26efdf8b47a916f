from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "petite.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from petite.privacy import fulfilment

        from . import actions, receivers
        from .privacy import register_stores, register_third_party_models

        register_third_party_models()
        register_stores()
        receivers.connect()
        register_settings_pages()
        # The data-request desk closes accounts through the privacy core.
        fulfilment.provide_account_deletion(actions.request_account_deletion)


def register_settings_pages() -> None:
    """The account's pages in the settings area (allauth's own views included)."""
    from petite.core import navigation

    security = navigation.SECURITY
    navigation.settings_page(
        section=security,
        label=_("Sign-ins and sessions"),
        url_name="accounts:security",
        order=10,
        also=("accounts:sessions", "usersessions_list"),
    )
    navigation.settings_page(
        section=security,
        label=_("Password"),
        url_name="account_change_password",
        order=20,
        also=("account_set_password",),
    )
    navigation.settings_page(
        section=security, label=_("E-mail address"), url_name="account_email", order=30
    )
    navigation.settings_page(
        section=security,
        label=_("Two-factor authentication"),
        url_name="mfa_index",
        order=40,
        also=(
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
        ),
    )
    navigation.settings_page(
        section=navigation.CLOSING,
        label=_("Delete your account"),
        url_name="accounts:delete",
        order=10,
    )
