"""What the privacy core declares itself: the core's and Django's own stores.

Core imports nothing from petite (ADR 0016), so its models cannot carry a
``class Privacy`` that names privacy's categories. They are declared here, with
the models of Django's own apps and the cookies Django's middleware sets, and
registered by :class:`petite.privacy.apps.PrivacyConfig` at start-up. An app's
own models and cookies are declared by the app.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.translation import gettext_lazy as _

from petite.core.models import AuditEvent

from . import areas, categories, registry, stores
from .declarations import Erasure, Personal


class AuditEventPrivacy:
    """The audit trail of staff actions (SEC1)."""

    area = areas.RECORDS
    label = _("Record of account actions")
    description = _("What was done on your account and by whom, kept as proof.")
    subject = "actor"
    timestamp = "created_at"
    fields = {
        # The trail outlives the actor's account, without saying who it was.
        "actor": Personal(categories.ACTIVITY_RECORDS, ["P8"], Erasure.BLANK),
    }
    technical = ["id", "action", "target_type", "target_id", "data", "created_at"]


class LogEntryPrivacy:
    """The Django admin's own history of staff edits."""

    area = areas.RECORDS
    label = _("Back-office history")
    description = _("Changes our team made in the back-office, if you are a member of the team.")
    subject = "user"
    timestamp = "action_time"
    fields = {
        "user": Personal(categories.ACTIVITY_RECORDS, ["P8"], Erasure.DELETE),
        "action_time": Personal(categories.ACTIVITY_RECORDS, ["P8"], Erasure.DELETE),
    }
    technical = ["id", "content_type", "object_id", "object_repr", "action_flag", "change_message"]


def _days(seconds: int | None) -> int | None:
    return max(1, round(seconds / 86400)) if seconds else None


def register() -> None:
    registry.register(AuditEvent, AuditEventPrivacy)
    registry.register(LogEntry, LogEntryPrivacy)
    # Everything uploaded to the default storage (MEDIA_ROOT), whatever app wrote
    # it: the erasure scan searches it whole, so a file an app forgot to declare is
    # still found. Each app's own store inside it (payments.evidence…) says whose
    # files are whose and how long they are kept. No category: not published.
    stores.file_store(
        stores.FileStore(
            key="platform.uploads",
            label=_("Uploaded files"),
            description=_("Every file stored by the Platform's default storage."),
            storage="default",
            purposes=(),
            exported=False,
        )
    )
    # The cookies Django's own middleware sets (the session cookie is declared by
    # the app that signs people in).
    stores.cookie(
        stores.Cookie(
            name=settings.CSRF_COOKIE_NAME,
            purpose="P8",
            label=_("Form protection"),
            description=_("Protects our forms against forgery by other sites."),
            max_age_days=_days(settings.CSRF_COOKIE_AGE),
            http_only=settings.CSRF_COOKIE_HTTPONLY,
        )
    )
    stores.cookie(
        stores.Cookie(
            name=settings.LANGUAGE_COOKIE_NAME,
            purpose="P1",
            label=_("Language"),
            description=_("Remembers the language you picked, if you picked one."),
            max_age_days=_days(settings.LANGUAGE_COOKIE_AGE),
            http_only=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    )
    stores.cookie(
        stores.Cookie(
            name=CookieStorage.cookie_name,
            purpose="P1",
            label=_("Confirmation messages"),
            description=_("Carries a confirmation message to the next page, then disappears."),
            max_age_days=None,
        )
    )
