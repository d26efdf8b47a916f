from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "petite.core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.core import checks

        from .audit import check_events
        from .deferred import check_follow_ups

        checks.register(check_follow_ups, "core")
        checks.register(check_events, "core")

        from django.contrib.admin.models import LogEntry

        from petite.privacy.registry import register

        from .privacy import LogEntryPrivacy

        register(LogEntry, LogEntryPrivacy)
