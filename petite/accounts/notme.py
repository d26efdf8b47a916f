"""The "this wasn't me" link of the e-mail and password change notices (SEC1, ASVS 2.2.3, 3.7.1).

allauth sends the notices (``ACCOUNT_EMAIL_NOTIFICATIONS``) from our templates; the
adapter adds this link to them. The link works signed out, once, for
``PETITE_NOT_ME_LINK_DAYS`` days. Opening it shows a page; only the button on that
page acts (mail scanners open links, and must not end anyone's sessions).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from petite.core.errors import ActionRefused
from petite.core.http import client_ip, refusal_response

from . import actions, tokens
from .models import Member

# The notices that carry the link, by allauth's template name.
CHANGES = {
    "account/email/email_changed": "email_changed",
    "account/email/password_changed": "password_changed",
}


def _max_age() -> timedelta:
    return timedelta(days=settings.PETITE_NOT_ME_LINK_DAYS)


def link(*, member: Member, change: str) -> str:
    """The absolute "this wasn't me" address for a notice about ``change``."""
    token = tokens.issue(member=member, purpose=change)
    return settings.SITE_URL + reverse("accounts:not_me", args=[change, token])


@never_cache
def not_me(request: HttpRequest, change: str, token: str) -> HttpResponse:
    if change not in CHANGES.values():
        return refusal_response(
            request, ActionRefused(tokens.INVALID, code="accounts.link_invalid", status=404)
        )
    try:
        if request.method != "POST":
            tokens.peek(token, purpose=change, max_age=_max_age())
            return render(request, "accounts/not_me.html", {"change": change})
        member = tokens.spend(token, purpose=change, max_age=_max_age())
    except ActionRefused as refused:
        return refusal_response(request, refused)
    actions.report_not_me(member=member, change=change, ip=client_ip(request))
    if request.user.is_authenticated:
        logout(request)
    return render(request, "accounts/not_me_done.html", {"change": change})
