"""Declarations for django-oauth-toolkit's models: authorisation codes, tokens, ID tokens.

They are the member's data (AUTHORISED_APPS, purpose P1): exported, erased with the
account, and listed in the notice like every other declared model. Codes, tokens
and their checksums are declared CREDENTIALS, so that the export says only whether
they are set (a leaked archive must not hand out a working token). Tokens are
stored hashed anyway (``COMPLIANT_BCP_RFC9700_TOKEN_STORAGE``): the ``token``
column is blank and only a SHA-256 checksum is kept for the lookup.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal
from petite.privacy.registry import register

_NOTE = _(
    "Expired codes and tokens are deleted every day; revoking an app deletes all of its "
    "codes and tokens at once."
)


def _apps(*names: str) -> dict[str, Personal]:
    return {name: Personal(categories.AUTHORISED_APPS, ["P1"], Erasure.DELETE) for name in names}


def _secrets(*names: str) -> dict[str, Personal]:
    return {name: Personal(categories.CREDENTIALS, ["P1"], Erasure.DELETE) for name in names}


class GrantPrivacy:
    """An authorisation code: lives a minute, until the app exchanges it for tokens."""

    area = areas.APPS
    label = _("App permission codes")
    description = _("One-time codes given to an app when you said yes.")

    subject = "user"
    manage_url = "thirdparty:index"
    note = _NOTE
    fields = {
        **_apps(
            "application",
            "expires",
            "redirect_uri",
            "scope",
            "created",
            "updated",
            "code_challenge_method",
            "claims",
            "resource",
        ),
        **_secrets("code", "code_challenge", "nonce"),
    }
    technical = ["id", "user"]


class AccessTokenPrivacy:
    area = areas.APPS
    label = _("App access keys")
    description = _("Keys that let an app you authorised read your data for a short time.")
    subject = "user"
    manage_url = "thirdparty:index"
    note = _NOTE
    fields = {
        **_apps("application", "expires", "scope", "resource", "created", "updated"),
        **_secrets("token", "token_checksum"),
    }
    technical = ["id", "user", "source_refresh_token", "id_token"]


class RefreshTokenPrivacy:
    area = areas.APPS
    label = _("App renewal keys")
    description = _("Keys that let an app you authorised renew its access.")
    subject = "user"
    manage_url = "thirdparty:index"
    note = _NOTE
    fields = {
        **_apps("application", "resource", "created", "updated", "revoked"),
        **_secrets("token", "token_checksum"),
    }
    technical = ["id", "user", "access_token", "token_family"]


class IDTokenPrivacy:
    """The record of an OpenID Connect ID token (the signed token itself is not kept)."""

    area = areas.APPS
    label = _("App sign-in proofs")
    description = _("Proof given to an app that you signed in with us.")

    subject = "user"
    manage_url = "thirdparty:index"
    note = _NOTE
    fields = _apps("application", "expires", "scope", "created", "updated")
    technical = ["id", "user", "jti"]


class DeviceGrantPrivacy:
    """The device flow is not offered (authorisation code only): the table stays empty."""

    area = areas.APPS
    label = _("App sign-ins from other devices")
    description = _("Codes an app on another device used to ask for your permission.")

    subject = "user"
    fields = {
        **_apps("scope", "interval", "expires", "status", "client_id", "last_checked"),
        **_secrets("device_code", "user_code"),
    }
    technical = ["id", "user"]


def register_oauth_models() -> None:
    from oauth2_provider.models import (
        DeviceGrant,
        get_access_token_model,
        get_grant_model,
        get_id_token_model,
        get_refresh_token_model,
    )

    register(get_grant_model(), GrantPrivacy)
    register(get_access_token_model(), AccessTokenPrivacy)
    register(get_refresh_token_model(), RefreshTokenPrivacy)
    register(get_id_token_model(), IDTokenPrivacy)
    register(DeviceGrant, DeviceGrantPrivacy)
