"""Member pages: unusual sign-ins, incidents that affected them, and "This wasn't me"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from petite.core.errors import ActionRefused
from petite.core.http import refusal_response, signed_in_member

from . import actions, selectors, tokens
from .models import SignInAlert


@login_required
def sign_in_alerts(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    return render(request, "security/sign_in_alerts.html", {"alerts": selectors.alerts_of(member)})


@login_required
def incidents(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    return render(
        request, "security/incidents.html", {"affected": selectors.incidents_affecting(member)}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def wasnt_me(request: HttpRequest, token: str) -> HttpResponse:
    """Works signed out. GET only asks (mail scanners open links); POST acts, once."""
    if request.method == "POST":
        try:
            incident = actions.disown_sign_in(token=token)
        except ActionRefused as refused:
            return refusal_response(request, refused)
        return render(request, "security/wasnt_me_done.html", {"incident": incident})
    alert_id = tokens.read(token)
    alert = SignInAlert.objects.filter(pk=alert_id).first() if alert_id is not None else None
    if alert is None or alert.disowned_at is not None:
        invalid = ActionRefused(
            _("This link is not valid, has expired or was already used."),
            code="security.link_invalid",
        )
        return refusal_response(request, invalid)
    return render(request, "security/wasnt_me.html", {"alert": alert})
