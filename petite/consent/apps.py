from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "petite.consent"
    verbose_name = _("Consent")

    def ready(self) -> None:
        # The privacy core asks this app whether audience measurement (P2) and
        # personalised advertising (P7) may happen: the cookie choice answers.
        from petite.core import navigation
        from petite.privacy import consent

        from . import cookies, selectors

        navigation.settings_page(
            section=navigation.PRIVACY,
            label=_("Cookie choices"),
            url_name="consent:choose",
            order=20,
        )

        cookies.declare()
        consent.provide("audience", selectors.audience_consent)
        consent.provide("ads", selectors.ads_consent)
