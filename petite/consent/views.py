"""The Choose page, the endpoint the banner's buttons post to, and the CSRF failure page.

None of these pages needs a cookie to work: the save view is exempt from the
CSRF cookie check and checks the request's origin instead (protection.py), so
a browser that refuses every cookie can still say "refuse all" (and is simply
asked again on the next page, since it keeps nothing).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from petite.accounts.models import Member
from petite.accounts.network import client_ip
from petite.core import origin
from petite.core.formbody import edits_existing_data

from . import actions, choices, cookies, protection, selectors, snippets
from .forms import ChoiceForm
from .models import ConsentRecord

MAX_NEXT_LENGTH = 2000


def safe_next(request: HttpRequest, url: str | None) -> str:
    """``url`` if it is a page of this site, else "" (never an open redirect)."""
    if (
        url
        and len(url) <= MAX_NEXT_LENGTH
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return ""


def _signed_in_member(request: HttpRequest) -> Member | None:
    user = request.user
    return user if isinstance(user, Member) and user.is_authenticated else None


def _choose_page(
    request: HttpRequest, form: ChoiceForm, *, next_url: str, status: int = 200
) -> HttpResponse:
    choice = cookies.current(request)
    rows = [
        {
            "category": category,
            "field": form[category.key],
            "allowed": choice is not None and choice.allows(category.key),
        }
        for category in choices.CATEGORIES
    ]
    response = render(
        request,
        "consent/choose.html",
        {
            "form": form,
            "rows": rows,
            "choice": choice,
            "gpc": form.global_privacy_control,
            "next": next_url,
            "texts": choices.texts(),
            "necessary_cookies": cookies.necessary_cookies(),
        },
        status=status,
    )
    patch_vary_headers(response, ["Cookie", "Sec-GPC"])
    return response


@require_http_methods(["GET", "HEAD"])
def choose(request: HttpRequest) -> HttpResponse:
    """One switch per category, the current choice, and every cookie we use."""
    gpc = selectors.global_privacy_control(request)
    choice = cookies.current(request)
    initial: dict[str, Any] = {"next": safe_next(request, request.GET.get("next"))}
    for category in choices.CATEGORIES:
        initial[category.key] = choice is not None and choice.allows(category.key)
    form = ChoiceForm(initial=initial, global_privacy_control=gpc)
    return _choose_page(request, form, next_url=initial["next"])


# Outside csrf_exempt, so that it keeps the view exempt (it checks the origin itself).
@edits_existing_data
@csrf_exempt  # the banner works before any cookie exists: the origin check stands in
@require_http_methods(["POST"])
def save(request: HttpRequest) -> HttpResponse:
    """Record the choice in the ledger, keep it in the cookie, go back where the visitor was."""
    if not origin.same_origin(request):
        return render(request, "consent/refused.html", status=403)
    gpc = selectors.global_privacy_control(request)
    form = ChoiceForm(request.POST, global_privacy_control=gpc)
    next_url = safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        return _choose_page(request, form, next_url=next_url, status=400)
    if not protection.consume(ip=client_ip(request)):
        form.add_error(
            None,
            _(
                "You have changed your choice many times in a few minutes. Please wait a "
                "few minutes and try again."
            ),
        )
        return _choose_page(request, form, next_url=next_url, status=429)

    previous = cookies.read(request)
    visitor_id = previous.visitor_id if previous is not None else cookies.new_visitor_id()
    member = _signed_in_member(request)
    record = actions.record_choice(
        visitor_id=visitor_id,
        consents=form.consents(),
        action=ConsentRecord.Action(form.cleaned_data["action"]),
        member=member,
        global_privacy_control=gpc,
        language=get_language() or "",
    )
    choice = cookies.Choice(
        visitor_id=visitor_id,
        consents=form.consents(),
        made_at=record.created_at,
        # A visitor's rows wait for whoever signs in next from this browser.
        member_tag=cookies.member_tag(member) if member is not None else "",
    )
    response = redirect(next_url or reverse("consent:choose"))
    cookies.remember(request, response, choice)
    for key, given in choice.consents.items():
        if not given:
            # Withdrawn or refused: what the category's snippets left behind goes too.
            for name in snippets.cookies_for(key):
                if name in request.COOKIES:
                    response.delete_cookie(name, path="/", samesite="Lax")
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal, in words a visitor understands (settings.CSRF_FAILURE_VIEW).

    The most common cause for a person is a browser that blocks cookies: the
    form's protection cookie never came back. Signing in needs the session
    cookie anyway, so the page says plainly which cookies are needed and why.
    """
    return render(
        request,
        "consent/csrf_failure.html",
        {
            "cookies_blocked": reason == REASON_NO_CSRF_COOKIE,
            "retry_url": request.path,
            "necessary_cookies": cookies.necessary_cookies(),
        },
        status=403,
    )
