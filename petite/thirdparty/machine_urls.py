"""Addresses for machines (no language prefix), mounted at the site root.

- ``o/``: the OAuth 2 / OpenID Connect authorisation server (django-oauth-toolkit),
  with the Platform's consent screen at ``o/authorize/``. Only what the one offered
  flow needs is mounted: no device flow, no dynamic registration, no self-service
  app management (staff register apps in the back-office).
- ``api/``: the JSON API; its OpenAPI document is ``api/openapi.json``.
"""

from django.urls import URLPattern, URLResolver, include, path, re_path
from oauth2_provider import views as oauth_views

from . import views
from .api import api

oauth_patterns: list[URLPattern | URLResolver] = [
    path("authorize/", views.AuthorizeView.as_view(), name="authorize"),
    path("token/", oauth_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        oauth_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(
        ".well-known/oauth-authorization-server",
        oauth_views.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    path(".well-known/jwks.json", oauth_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", oauth_views.UserInfoView.as_view(), name="user-info"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("o/", include((oauth_patterns, "oauth2_provider"))),
    path("api/", api.urls),
]
