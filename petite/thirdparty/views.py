"""The member's pages about third-party apps, and the consent screen.

- ``/apps/``: "Authorised apps", one entry per app (scopes in plain words, first
  authorised, last used, what it read recently), each revocable.
- ``/apps/<id>/revoke/``: the confirmation, then the revocation (POST only).
- ``/apps/reads/``: the whole log of what apps read.
- ``/o/authorize/``: django-oauth-toolkit's authorisation endpoint with our consent
  screen: who runs the app, its privacy policy, and each field each scope reveals.

Object-level access: no view takes a member id; an authorisation is always looked up
together with ``member=request.user``, so another member, and staff too, get a 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from oauth2_provider.views import AuthorizationView

from petite.accounts.models import Member

from . import actions, selectors
from . import scopes as scope_registry
from .models import Application

READS_PER_PAGE = 50


def _member(request: HttpRequest) -> Member:
    assert isinstance(request.user, Member)  # login_required guarantees it
    return request.user


@login_required
@require_http_methods(["GET", "HEAD"])
def index(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(
        request,
        "thirdparty/index.html",
        {
            "apps": selectors.authorised_apps(member),
            "has_reads": selectors.app_reads(member).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    authorisation = selectors.authorisation_of(member, pk)
    if authorisation is None:
        raise Http404
    if request.method == "POST":
        actions.revoke_authorisation(member=member, application=authorisation.application)
        messages.success(
            request,
            _("%(app)s can no longer read your data: its access has been revoked.")
            % {"app": authorisation.application.name},
        )
        return redirect("thirdparty:index")
    return render(
        request,
        "thirdparty/revoke.html",
        {
            "authorisation": authorisation,
            "application": authorisation.application,
            "fields": scope_registry.revealed_by(authorisation.scopes),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def reads(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    page = Paginator(selectors.app_reads(member), READS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "thirdparty/reads.html",
        {"page": page, "reads": selectors.describe(page.object_list)},
    )


# --- The consent screen ---------------------------------------------------------------

# What went wrong, for the member, by oauthlib's error class; the app's developer
# also gets the technical code and description on the page.
_ERRORS: dict[str, Any] = {
    "MismatchingRedirectURIError": gettext_lazy(
        "The app asked to send you back to an address it has not registered with Petite. "
        "For your safety we stopped here: nothing was shared."
    ),
    "InvalidRedirectURIError": gettext_lazy(
        "The app gave an address to send you back to that is not valid. Nothing was shared."
    ),
    "MissingRedirectURIError": gettext_lazy(
        "The app did not say where to send you back to. Nothing was shared."
    ),
    "InvalidClientIdError": gettext_lazy(
        "This app is not registered with Petite. Nothing was shared."
    ),
    "MissingClientIdError": gettext_lazy(
        "The app did not say which app it is. Nothing was shared."
    ),
}
_DEFAULT_ERROR = gettext_lazy(
    "The app's request cannot be accepted. Nothing was shared; you can close this page."
)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def _language(request: HttpRequest) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in supported:
        return str(chosen)
    user = request.user
    if isinstance(user, Member) and user.language in supported:
        return user.language
    return translation.get_language_from_request(request)


class AuthorizeView(AuthorizationView):
    """django-oauth-toolkit's authorisation endpoint, with the Platform's consent screen."""

    template_name = "thirdparty/authorize.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The endpoint has no language prefix (apps know one address): the page speaks
        # the language the member chose on the site, else their own, else the browser's.
        language = _language(request)
        with translation.override(language):
            response = self._dispatch(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response

    def _dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if isinstance(user, Member) and user.is_closing:
            # A closing account is treated as gone: no new app gets its data.
            return render(request, "thirdparty/closing.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        requested = context.get("scopes") or []
        context["requested"] = scope_registry.known(requested)
        context["subject"] = scope_registry.SUBJECT
        redirect_uri = str(context.get("redirect_uri") or "")
        context["destination"] = urlsplit(redirect_uri).netloc
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        error = context.get("error")
        if error is not None:
            # django-oauth-toolkit renders its errors with the bare error as context.
            context["explanation"] = _ERRORS.get(type(error).__name__, _DEFAULT_ERROR)
        response = super().render_to_response(context, **kwargs)
        origin = _origin(str(context.get("redirect_uri") or ""))
        if origin:
            # Browsers apply form-action to the redirect that follows the consent
            # form: the app's registered address must be allowed, and only it.
            csp = dict(settings.SECURE_CSP)
            csp["form-action"] = [CSP.SELF, origin]
            response._csp_config = csp
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        location = response.get("Location", "")
        query = parse_qs(urlsplit(location).query)
        if form.cleaned_data.get("allow") and "code" in query and "error" not in query:
            application = Application.objects.get(client_id=form.cleaned_data["client_id"])
            actions.record_authorisation(
                member=_member(self.request),
                application=application,
                scopes=str(form.cleaned_data.get("scope") or "").split(),
            )
        return response
