"""Links a browser's consent records to the member who signs in from it.

A visitor's choices are recorded under the pseudonymous id of their consent
cookie. When someone is signed in and the cookie was not yet linked to them,
the records nobody owns are given to that member (so they appear in their
export and go with their account), and the cookie remembers, as a keyed tag,
that it is linked: one UPDATE per sign-in per browser, nothing on other requests.

It also marks HTML responses as varying with the Cookie header: the banner
shows or not depending on the consent cookie, and a shared cache must never
hand one visitor's page to another.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers

from petite.accounts.models import Member

from . import actions, cookies


class ConsentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ["Cookie"])
        user = getattr(request, "user", None)
        if not isinstance(user, Member) or not user.is_authenticated:
            return response
        if settings.PETITE_CONSENT_COOKIE_NAME in response.cookies:
            return response  # this response already sets the cookie (a choice was just saved)
        choice = cookies.read(request)
        if choice is None or choice.member_tag == cookies.member_tag(user):
            return response
        actions.link_visitor_records(visitor_id=choice.visitor_id, member=user)
        cookies.remember(request, response, choice.linked_to(user))
        return response
