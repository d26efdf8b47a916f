"""Declarations for the third-party models that hold members' data
(allauth e-mail addresses, MFA authenticators, sessions; axes lockouts)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from petite.privacy import areas, categories, purposes, stores
from petite.privacy.declarations import Erasure, Personal
from petite.privacy.registry import register


class EmailAddressPrivacy:
    area = areas.ACCOUNT
    label = _("E-mail address")
    description = _("The address you sign in with and where we write to you.")
    subject = "user"
    manage_url = "account_email"
    fields = {
        "email": Personal(categories.CONTACT, ["P1", "P4"], Erasure.DELETE),
        "verified": Personal(categories.ACCOUNT, ["P4"], Erasure.DELETE),
        "primary": Personal(categories.ACCOUNT, ["P1"], Erasure.DELETE),
    }
    technical = ["id", "user"]


class EmailConfirmationPrivacy:
    area = areas.ACCOUNT
    label = _("Confirmation links")
    description = _("The links we sent to check that an e-mail address is yours.")
    subject = "email_address__user"
    fields = {
        "created": Personal(categories.ACCOUNT, ["P4"], Erasure.DELETE),
        "sent": Personal(categories.ACCOUNT, ["P4"], Erasure.DELETE),
        "key": Personal(categories.CREDENTIALS, ["P4"], Erasure.DELETE),
    }
    technical = ["id", "email_address"]


class AuthenticatorPrivacy:
    area = areas.SIGNINS
    label = _("Two-factor authentication")
    description = _("Your authenticator app and recovery codes, if you turned them on.")
    subject = "user"
    manage_url = "mfa_index"
    fields = {
        "type": Personal(categories.CREDENTIALS, ["P4"], Erasure.DELETE),
        "data": Personal(categories.CREDENTIALS, ["P4"], Erasure.DELETE),
        "created_at": Personal(categories.CREDENTIALS, ["P4"], Erasure.DELETE),
        "last_used_at": Personal(categories.CONNECTION, ["P4"], Erasure.DELETE),
    }
    technical = ["id", "user"]


class UserSessionPrivacy:
    area = areas.SIGNINS
    label = _("Signed-in devices")
    description = _("The browsers and devices where you are signed in.")
    subject = "user"
    manage_url = "usersessions_list"
    fields = {
        "created_at": Personal(categories.CONNECTION, ["P1", "P8"], Erasure.DELETE),
        "ip": Personal(categories.CONNECTION, ["P1", "P8"], Erasure.DELETE),
        "last_seen_at": Personal(categories.CONNECTION, ["P1", "P8"], Erasure.DELETE),
        "user_agent": Personal(categories.CONNECTION, ["P1", "P8"], Erasure.DELETE),
        "data": Personal(categories.CONNECTION, ["P1"], Erasure.DELETE),
    }
    technical = ["id", "user", "session_key"]


class SessionPrivacy:
    """Django's session store: keyed by a random key, tied to a member only through
    the encoded data; erased by ending the member's sessions (UserSession)."""

    area = areas.SIGNINS
    label = _("Browser sessions")
    description = _("What keeps you signed in on each browser.")

    subject = None
    timestamp = "expire_date"
    note = _(
        "Ended when you sign out, when they expire after two weeks, or when your account is erased."
    )
    fields = {
        "session_data": Personal(categories.CONNECTION, ["P1"], Erasure.DELETE),
        "expire_date": Personal(categories.CONNECTION, ["P1"], Erasure.DELETE),
    }
    technical = ["session_key"]


def _lockout_fields(*names: str) -> dict[str, Personal]:
    return {name: Personal(categories.CONNECTION, ["P8"], Erasure.DELETE) for name in names}


_AXES_COMMON = ("user_agent", "ip_address", "username", "http_accept", "path_info", "attempt_time")


class AccessAttemptPrivacy:
    area = areas.SIGNINS
    label = _("Failed sign-in attempts")
    description = _("Failed attempts to sign in with your address, kept to stop password guessing.")
    subject_email = "username"
    timestamp = "attempt_time"
    retention = purposes.P8.retention
    fields = _lockout_fields(*_AXES_COMMON, "get_data", "post_data", "failures_since_start")
    technical = ["id"]


class AccessLogPrivacy:
    area = areas.SIGNINS
    label = _("Sign-in security log")
    description = _("Sign-ins and sign-outs seen by our protection against password guessing.")
    subject_email = "username"
    timestamp = "attempt_time"
    retention = purposes.P8.retention
    fields = _lockout_fields(*_AXES_COMMON, "logout_time", "session_hash")
    technical = ["id"]


class AccessFailureLogPrivacy:
    area = areas.SIGNINS
    label = _("Refused sign-ins")
    description = _("Sign-ins refused after too many failed attempts.")
    subject_email = "username"
    timestamp = "attempt_time"
    retention = purposes.P8.retention
    fields = _lockout_fields(*_AXES_COMMON, "locked_out")
    technical = ["id"]


def register_third_party_models() -> None:
    from allauth.account.models import EmailAddress, EmailConfirmation
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session

    register(EmailAddress, EmailAddressPrivacy)
    register(EmailConfirmation, EmailConfirmationPrivacy)
    register(Authenticator, AuthenticatorPrivacy)
    register(UserSession, UserSessionPrivacy)
    register(Session, SessionPrivacy)
    register(AccessAttempt, AccessAttemptPrivacy)
    register(AccessLog, AccessLogPrivacy)
    register(AccessFailureLog, AccessFailureLogPrivacy)


def end_allauth_sessions(member: Any) -> int:
    """End every session of ``member``; returns how many.

    Django keeps no index of sessions by user; allauth's session list does, and every
    sign-in is recorded there. The list's own rows are erased as a declared model.
    """
    keys = list(UserSession.objects.filter(user_id=member.pk).values_list("session_key", flat=True))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store().delete(key)
    return len(keys)


def register_stores() -> None:
    """The sign-in cookie and how to end a member's sessions (privacy.stores)."""
    stores.cookie(
        stores.Cookie(
            name=settings.SESSION_COOKIE_NAME,
            purpose="P4",
            label=_("Signed-in session"),
            description=_("Keeps you signed in from page to page; deleted when you sign out."),
            max_age_days=settings.SESSION_COOKIE_AGE // 86400,
            http_only=settings.SESSION_COOKIE_HTTPONLY,
        )
    )
    stores.session_terminator(end_allauth_sessions)
    # The page the privacy notice links to (privacy names no app's URL).
    stores.page(stores.ACCOUNT, "accounts:security")
