"""The Platform's rules for django-oauth-toolkit (``OAUTH2_PROVIDER["OAUTH2_VALIDATOR_CLASS"]``).

- One flow: the authorisation code (``response_type=code``) with PKCE, and refreshing
  its tokens. Implicit, password, client-credentials and device grants are refused
  even if an app were registered for them.
- A request must name its scopes: nothing is granted by default.
- OpenID Connect: the ID token carries only ``sub``, the member's identifier for that
  app alone (pairwise); the userinfo endpoint returns the fields of the granted scopes.
- Every time an app is given something about the member (an ID token, userinfo) the
  disclosure log records it, with the fields actually given.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

from . import actions, selectors
from . import scopes as scope_registry

GRANT_TYPES = ("authorization_code", "refresh_token")


class Validator(OAuth2Validator):
    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if grant_type not in GRANT_TYPES:
            return False
        return bool(
            super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)
        )

    def validate_response_type(
        self,
        client_id: str,
        response_type: str,
        client: Any,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if response_type != "code":
            return False
        return bool(
            super().validate_response_type(
                client_id, response_type, client, request, *args, **kwargs
            )
        )

    def is_pkce_required(self, client_id: str, request: Any) -> bool:
        # Checked here, while the authorisation request is validated, so that an app
        # asking for "plain" (or no method, which means "plain") is refused before the
        # member is shown anything; django-oauth-toolkit would only refuse it later.
        if (
            getattr(request, "response_type", None)
            and getattr(request, "code_challenge", None) is not None
            and getattr(request, "code_challenge_method", None) != "S256"
        ):
            raise errors.InvalidRequestError(
                description="PKCE must use code_challenge_method=S256.", request=request
            )
        return True

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Any,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if not scopes:
            return False
        return bool(super().validate_scopes(client_id, scopes, client, request, *args, **kwargs))

    # --- OpenID Connect ------------------------------------------------------------

    # A closing or deactivated account is treated as gone: apps read nothing more,
    # not through the API, not through userinfo, not by refreshing their tokens.
    def validate_bearer_token(self, token: Any, scopes: Any, request: Any) -> bool:
        return bool(super().validate_bearer_token(token, scopes, request)) and _reachable(
            request.user
        )

    def validate_refresh_token(
        self, refresh_token: Any, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return bool(valid) and _reachable(request.user)

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(scope_registry.FIELDS)

    def get_oidc_claims(self, token: Any, token_handler: Any, request: Any) -> dict[str, Any]:
        # The ID token proves who signed in, nothing more: the app reads the rest
        # (userinfo, the API) within its scopes, each read logged.
        return {"sub": selectors.subject_for(request.user, request.client)}

    def get_id_token_dictionary(
        self, token: Any, token_handler: Any, request: Any
    ) -> tuple[dict[str, Any], datetime]:
        claims, expires = super().get_id_token_dictionary(token, token_handler, request)
        actions.record_read(
            member=request.user,
            application=request.client,
            fields=scope_registry.categories_of(["sub"]),
            reference="ID token",
        )
        return claims, expires

    def get_userinfo_claims(self, request: Any) -> dict[str, Any]:
        granted = request.access_token.scope.split()
        names = scope_registry.allowed(list(scope_registry.FIELDS), granted)
        claims = selectors.values_for(request.user, names, request.client)
        actions.record_read(
            member=request.user,
            application=request.client,
            fields=scope_registry.categories_of(claims),
            reference=f"{request.http_method} /o/userinfo/",
        )
        return claims


def _reachable(user: Any) -> bool:
    return user is not None and user.is_active and not getattr(user, "is_closing", False)
