from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "petite.core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        # Imported here: audit imports core's models, which cannot be imported
        # before the app registry is ready (when this module is loaded).
        from .audit import check_events
        from .deferred import check_follow_ups

        checks.register(check_follow_ups, "core")
        checks.register(check_events, "core")
