"""Registered apps and tokens for tests that read like stories."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone
from oauth2_provider.models import (
    AccessToken,
    RefreshToken,
    get_access_token_model,
    get_refresh_token_model,
    set_token_value,
)

from petite.accounts.models import Member
from petite.thirdparty import actions
from petite.thirdparty.models import Application, Authorisation

REDIRECT_URI = "http://127.0.0.1:9999/callback"


def make_app(
    name: str = "Stargazer",
    owner: str = "Stargazer SAS",
    redirect_uris: str = REDIRECT_URI,
    client_type: str = Application.CLIENT_PUBLIC,
    **fields: Any,
) -> Application:
    application = Application(
        name=name,
        owner=owner,
        privacy_policy_url="https://stargazer.example/privacy",
        redirect_uris=redirect_uris,
        client_type=client_type,
        **fields,
    )
    actions.save_application(application=application, actor=None, created=True)
    return application


@dataclass
class Issued:
    access: str
    refresh: str
    access_token: AccessToken
    refresh_token: RefreshToken


def issue_tokens(
    member: Member, application: Application, scope: str = "openid profile email"
) -> Issued:
    """What the token endpoint would hand the app after the member's consent."""
    actions.record_authorisation(member=member, application=application, scopes=scope.split())
    access_raw, refresh_raw = secrets.token_urlsafe(30), secrets.token_urlsafe(30)
    access = get_access_token_model()(
        user=member,
        application=application,
        scope=scope,
        expires=timezone.now() + timedelta(hours=1),
    )
    set_token_value(access, access_raw)
    access.save()
    refresh = get_refresh_token_model()(user=member, application=application, access_token=access)
    set_token_value(refresh, refresh_raw)
    refresh.save()
    return Issued(access_raw, refresh_raw, access, refresh)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorisation_of(member: Member, application: Application) -> Authorisation | None:
    return Authorisation.objects.filter(member=member, application=application).first()
