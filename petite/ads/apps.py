from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdsConfig(AppConfig):
    name = "petite.ads"
    verbose_name = _("Advertising")

    def ready(self) -> None:
        from petite.core import malware, navigation, placements
        from petite.privacy import consent

        from . import actions, rendering

        # Ads appear in the places pages mark with {% placement %}; refusing or withdrawing
        # advertising consent deletes the profile in the transaction that records it.
        placements.register(rendering.render_ad)
        # Creative images are rescanned when clamd's signatures change (P8).
        malware.stored_files("ads.Creative", "image")
        consent.on_withdrawn("ads", actions.delete_profile)
        navigation.settings_page(
            section=navigation.PRIVACY, label=_("Your ad profile"), url_name="ads:profile", order=40
        )
