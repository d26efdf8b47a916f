"""Two middlewares of the accounts app.

``StaffMFAMiddleware`` keeps staff without two-factor authentication out of the
back-office (SEC1). ``UsageMiddleware`` counts, per member, per day and per area
of the Platform, the pages a signed-in member used (R1.2, P2): one UPSERT per
counted request and nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import ResolverMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from petite.privacy import consent, purposes

from . import actions

logger = logging.getLogger(__name__)

BACK_OFFICE_NAMESPACE = "admin"


class StaffMFAMiddleware:
    """Send a signed-in staff member without an authenticator app to its set-up page
    before the back-office opens: two-factor authentication is mandatory for staff."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        # The admin, and any staff page marked `back_office = True` (the processing register).
        match = request.resolver_match
        in_admin = match is not None and BACK_OFFICE_NAMESPACE in match.namespaces
        if not (in_admin or getattr(view_func, "back_office", False)):
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return None
        if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            return None
        messages.warning(
            request,
            _(
                "The back-office requires two-factor authentication. "
                "Set up an authenticator app to continue."
            ),
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))


# Namespaces and URL names that read better as area names.
_AREA_ALIASES = {"accounts": "account", "admin": "back-office"}
AREA_MAX_LENGTH = 40


def usage_area(match: ResolverMatch) -> str:
    """The feature area of a resolved URL: its namespace ("portraits", "contact"...),
    "account" for allauth's pages (which have none), else the URL's name ("home")."""
    if match.namespaces:
        key = match.namespaces[0]
    elif getattr(match.func, "__module__", "").startswith("allauth."):
        key = "account"
    else:
        key = match.url_name or "other"
    return _AREA_ALIASES.get(key, key)[:AREA_MAX_LENGTH]


def should_count(request: HttpRequest) -> bool:
    """Whether this request counts towards the member's usage statistics (P2).

    The single place to ask. Audience measurement is based on consent: the
    privacy core answers from the visitor's cookie choice (petite.consent), and
    nothing is counted before a choice, after a refusal or after a withdrawal.
    """
    return (
        request.method in ("GET", "POST")
        and request.user.is_authenticated
        and consent.given(purposes.P2, request=request)
    )


class UsageMiddleware:
    """Count successful page views of signed-in members per day and area.

    Counted after the view has run, so that failed requests (status 400 and above)
    and unknown addresses are left out. Static files never get here (WhiteNoise
    answers them first).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or response.status_code >= 400 or not should_count(request):
            return response
        member_id = request.user.pk
        if member_id is None:
            return response
        try:
            actions.count_usage(
                member_id=int(member_id), area=usage_area(match), day=timezone.localdate()
            )
        except DatabaseError:
            # A page the member already has is worth more than one count.
            logger.warning("Usage count not recorded", exc_info=True)
        return response
