"""The JSON API (django-ninja) under ``/api/``; its OpenAPI document is ``/api/openapi.json``.

Two kinds of callers:

- **apps**, with ``Authorization: Bearer <access token>``: each endpoint returns only
  the fields the token's scopes reveal (see :mod:`petite.thirdparty.scopes`), refuses
  a token that has none of the scopes it serves (403 ``insufficient_scope``), and
  writes what it returned to the member's disclosure log;
- **members**, with their own session (and Django's CSRF token for anything but a
  read): their own data, all fields, nothing logged (nothing leaves the Platform).
  Their list of authorised apps, and revoking one, are for them alone: no app can
  see which other apps a member uses.

A request carrying an ``Authorization`` header is judged by its token alone, never
by a session cookie that happens to come with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Path, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AuthRateThrottle
from oauth2_provider.oauth2_backends import get_oauthlib_core

from petite.accounts.models import Member

from . import actions, selectors
from . import scopes as scope_registry
from .models import Application


@dataclass
class Caller:
    member: Member
    # None for the member's own session.
    application: Application | None = None
    scopes: list[str] = field(default_factory=list)
    token_id: int | None = None

    def __str__(self) -> str:
        # The throttle's key: one budget per token, or per member for sessions.
        if self.token_id is not None:
            return f"token:{self.token_id}"
        return f"member:{self.member.pk}"


class AppToken(HttpBearer):
    """An access token issued by the authorisation server (django-oauth-toolkit)."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        if not valid:
            return None
        access_token = oauth_request.access_token
        member = access_token.user
        application = access_token.application
        if not isinstance(member, Member) or application is None:
            return None
        if not member.is_active or member.is_closing:
            # A closing account is treated as gone: apps get nothing more.
            return None
        return Caller(
            member=member,
            application=application,
            scopes=access_token.scope.split(),
            token_id=access_token.pk,
        )


class MemberSession(SessionAuth):
    """The member's own session; ninja checks the CSRF token for unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if "authorization" in request.headers:
            return None
        user = request.user
        if isinstance(user, Member) and user.is_authenticated and user.is_active:
            return Caller(member=user, scopes=list(scope_registry.SCOPES))
        return None


class ApiThrottle(AuthRateThrottle):
    """``PETITE_API_RATE`` per token (apps) or per member (sessions), read at each call."""

    def __init__(self) -> None:
        super().__init__(settings.PETITE_API_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        if self.rate != settings.PETITE_API_RATE:
            self.rate = settings.PETITE_API_RATE
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


api = NinjaAPI(
    title="Petite API",
    version="1",
    description=(
        "Read a member's data within the scopes they granted. Apps call it with an OAuth 2 "
        "bearer token (authorisation code + PKCE at /o/authorize/); members with their session."
    ),
    urls_namespace="thirdparty-api",
    docs_url=None,  # the interactive page loads scripts from a CDN; the document is enough
    openapi_url="/openapi.json",
    throttle=[ApiThrottle()],
)

APPS_OR_MEMBER = [AppToken(), MemberSession()]
MEMBER_ONLY = [MemberSession()]


class Error(Schema):
    detail: str


class Invalid(Schema):
    """A request that does not match this document (a path parameter out of range...)."""

    detail: list[dict[str, Any]]


class Me(Schema):
    sub: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    name: str | None = None
    email: str | None = None
    email_verified: bool | None = None


class PortraitOut(Schema):
    sub: str | None = None
    display_name: str | None = None
    bio: str | None = None
    interests: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None


class AuthorisedAppOut(Schema):
    id: int
    name: str
    owner: str
    privacy_policy_url: str
    scopes: list[str]
    first_authorised_at: datetime
    last_used_at: datetime | None


ERRORS: dict[int, Any] = {401: Error, 403: Error, 429: Error}
# Primary keys are 64-bit: a larger number is refused before reaching the database.
BIGINT_MAX = 2**63 - 1


def _caller(request: HttpRequest) -> Caller:
    caller = request.auth  # type: ignore[attr-defined]
    assert isinstance(caller, Caller)
    return caller


def _read(request: HttpRequest, names: list[str], serves: list[str]) -> dict[str, Any]:
    """The named fields the caller may read, logged when an app reads them."""
    caller = _caller(request)
    if caller.application is None:
        return selectors.values_for(caller.member, names)
    if not set(serves) & set(caller.scopes):
        raise HttpError(
            403,
            "insufficient_scope: this token was granted none of the scopes "
            + ", ".join(serves)
            + ".",
        )
    allowed = scope_registry.allowed(["sub", *names], caller.scopes)
    values = selectors.values_for(caller.member, allowed, caller.application)
    actions.record_read(
        member=caller.member,
        application=caller.application,
        fields=scope_registry.categories_of(values),
        reference=f"{request.method} {request.path}",
    )
    return values


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=exc.status_code)
    if exc.status_code == 403 and exc.message.startswith("insufficient_scope"):
        response["WWW-Authenticate"] = 'Bearer error="insufficient_scope"'
    return response


@api.get("/me", response={200: Me, **ERRORS}, auth=APPS_OR_MEMBER, exclude_unset=True)
def me(request: HttpRequest) -> Me:
    """The member's identity: the fields of the scopes `openid`, `profile` and `email`."""
    values = _read(
        request,
        ["given_name", "family_name", "name", "email", "email_verified"],
        serves=["openid", "profile", "email"],
    )
    return Me(**values)


@api.get(
    "/portrait", response={200: PortraitOut, **ERRORS}, auth=APPS_OR_MEMBER, exclude_unset=True
)
def portrait(request: HttpRequest) -> PortraitOut:
    """The member's Portrait: `portrait` (profile) and `portrait.address` (postal address)."""
    values = _read(
        request,
        ["display_name", "bio", "interests", "street", "postcode", "city", "country"],
        serves=["portrait", "portrait.address"],
    )
    return PortraitOut(**values)


@api.get("/apps", response={200: list[AuthorisedAppOut], **ERRORS}, auth=MEMBER_ONLY)
def authorised_apps(request: HttpRequest) -> list[AuthorisedAppOut]:
    """The apps the signed-in member authorised (their session only, never an app)."""
    return [
        AuthorisedAppOut(
            id=entry.authorisation.pk,
            name=entry.application.name,
            owner=entry.application.owner,
            privacy_policy_url=entry.application.privacy_policy_url,
            scopes=[scope.name for scope in entry.scopes],
            first_authorised_at=entry.authorisation.first_authorised_at,
            last_used_at=entry.authorisation.last_used_at,
        )
        for entry in selectors.authorised_apps(_caller(request).member, recent=0)
    ]


@api.delete(
    "/apps/{authorisation_id}",
    response={204: None, 404: Error, 422: Invalid, **ERRORS},
    auth=MEMBER_ONLY,
)
def revoke_app(
    request: HttpRequest, authorisation_id: int = Path(..., ge=1, le=BIGINT_MAX)
) -> Status[Any]:
    """Revoke an app: its codes, access and refresh tokens stop working at once."""
    member = _caller(request).member
    authorisation = selectors.authorisation_of(member, authorisation_id)
    if authorisation is None:
        return Status(404, {"detail": "No such authorised app."})
    actions.revoke_authorisation(member=member, application=authorisation.application)
    return Status(204, None)
