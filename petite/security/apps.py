from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "petite.security"
    verbose_name = _("Security")

    def ready(self) -> None:
        from petite.core import navigation, ratelimit
        from petite.privacy import stores

        from . import devices, receivers, throttles

        receivers.connect()
        ratelimit.adjust_limits(throttles.tighten_for_new_accounts)
        stores.cookie(
            stores.Cookie(
                name=devices.COOKIE,
                purpose="P8",
                consent=None,
                label=_("Device recognition"),
                description=_(
                    "A random number, signed by us, that recognises this browser at sign-in, "
                    "so that a sign-in from it is not reported to you as new."
                ),
                max_age_days=devices.MAX_AGE_DAYS,
            )
        )
        navigation.settings_page(
            section=navigation.SECURITY,
            label=_("Unusual sign-ins"),
            url_name="security:sign_in_alerts",
            order=30,
        )
        navigation.settings_page(
            section=navigation.SECURITY,
            label=_("Security incidents that affected you"),
            url_name="security:incidents",
            order=40,
        )
