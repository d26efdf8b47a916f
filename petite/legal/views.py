"""Public pages of the legal app: the transparency report (page and JSON), the
authority's one-time download, and a member's page about a transfer (object, or
delete the account, before the date)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from petite.core.errors import ActionRefused
from petite.core.http import client_ip, refusal_response, signed_in_member
from petite.privacy.categories import CATEGORIES

from . import actions, report, selectors
from .models import Transfer


def _period(key: str) -> report.Period:
    period = report.Period.parse(key)
    if period is None or not period.ended():
        raise Http404
    return period


@require_GET
def transparency_index(request: HttpRequest) -> HttpResponse:
    return render(request, "legal/transparency_index.html", {"periods": report.published_periods()})


@require_GET
def transparency_report(request: HttpRequest, period: str) -> HttpResponse:
    found = _period(period)
    return render(
        request,
        "legal/transparency_report.html",
        {"period": found, "report": report.build(found)},
    )


@require_GET
def transparency_json(request: HttpRequest, period: str) -> JsonResponse:
    return JsonResponse(report.build(_period(period)), json_dumps_params={"indent": 2})


@never_cache
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    """The authority's package: once, before it expires. The link is the credential."""
    try:
        content = actions.download(token=token, ip=client_ip(request))
    except ActionRefused as refused:
        return HttpResponse(str(refused), status=refused.status, content_type="text/plain")
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="disclosure.zip"'
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, transfer_id: int) -> HttpResponse:
    member = signed_in_member(request)
    found = selectors.open_transfers_for(member).filter(pk=transfer_id).first()
    if found is None:
        # A transfer that does not concern this member, or is over: not theirs to see.
        raise Http404
    if request.method == "POST":
        try:
            actions.object_to_transfer(transfer=found, member=member)
        except ActionRefused as refused:
            return refusal_response(request, refused)
        messages.success(
            request, _("Your objection is recorded: your data will not be transferred.")
        )
        return redirect("legal:transfer", transfer_id=found.pk)
    return render(
        request,
        "legal/transfer.html",
        {
            "transfer": found,
            "kind": found.get_kind_display(),
            "objected": selectors.objectors(found).filter(member=member).exists(),
            "categories": [str(c) for c in _categories(found)],
        },
    )


def _categories(transfer: Transfer) -> list[str]:
    return [str(CATEGORIES[key].name) for key in transfer.categories if key in CATEGORIES]
