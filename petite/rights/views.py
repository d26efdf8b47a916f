"""The member's own pages under /your-data/: what is held about them, their identity,
their archives.

Object-level access: no view takes a member id, and an export is always looked up
together with ``member=request.user``, so another member, and staff too, get a 404
for an export that is not theirs (staff deliver archives through the data-request
desk, never through these links).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from petite.core.formbody import edits_existing_data

from . import actions, selectors
from .forms import IdentityForm
from .models import DataExport


def _member(request: HttpRequest) -> Any:
    assert request.user.is_authenticated  # login_required guarantees it
    return request.user


def _when(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@login_required
@require_http_methods(["GET", "HEAD"])
def index(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    found = selectors.holdings(member)
    return render(
        request,
        "rights/index.html",
        {
            "purposes": selectors.by_purpose(found),
            "holdings": found,
            "next_export_at": actions.next_member_export_at(member),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@edits_existing_data
def identity(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if request.method == "POST":
        form = IdentityForm(request.POST)
        if form.is_valid():
            changed = actions.update_identity(member=member, **form.cleaned_data)
            if changed:
                messages.success(request, _("Your changes have been saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("rights:index")
    else:
        form = IdentityForm(
            initial={
                "first_name": member.first_name,
                "last_name": member.last_name,
                "language": member.language,
            }
        )
    return render(request, "rights/identity.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
# Anyone holding a stolen session could otherwise walk away with everything:
# asking for the archive needs the password again (showing the page does not).
@reauthentication_required(allow_get=True)
def exports(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if request.method == "POST":
        try:
            started = actions.start_export(member=member)
        except actions.ExportTooSoon as refusal:
            messages.error(
                request,
                _(
                    "You can ask for one copy of your data every %(hours)d hours. "
                    "You can ask for the next one from %(time)s"
                )
                % {
                    "hours": settings.PETITE_EXPORT_MEMBER_INTERVAL_HOURS,
                    "time": _when(refusal.next_possible_at),
                },
            )
            return redirect("rights:exports")
        messages.success(
            request,
            _("Your copy is being prepared. We will e-mail you when it is ready."),
        )
        return redirect("rights:export", export_id=started.pk)
    return render(
        request,
        "rights/exports.html",
        {
            "exports": selectors.member_exports(member)[:10],
            "next_export_at": actions.next_member_export_at(member),
            "interval_hours": settings.PETITE_EXPORT_MEMBER_INTERVAL_HOURS,
            "expiry_days": settings.PETITE_EXPORT_EXPIRY_DAYS,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def export(request: HttpRequest, export_id: UUID) -> HttpResponse:
    """The archive's page: a progress bar while it builds, then the download link.

    htmx polls it for the status part alone; without JavaScript the page refreshes
    itself (``<noscript>``) and has a link to do it by hand.
    """
    found = get_object_or_404(DataExport, pk=export_id, member=_member(request))
    template = (
        "rights/includes/export_status.html"
        if getattr(request, "htmx", False)
        else "rights/export.html"
    )
    return render(request, template, {"export": found})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def download(request: HttpRequest, export_id: UUID) -> HttpResponseBase:
    found = get_object_or_404(DataExport, pk=export_id, member=_member(request))
    if found.status != DataExport.Status.READY or found.is_expired():
        return _unavailable(request, found)
    path = actions.archive_path(found)
    if path is None or not path.is_file():
        return _unavailable(request, found)
    actions.record_download(export=found)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"petite-data-{timezone.localdate(found.created_at).isoformat()}.zip",
        content_type="application/zip",
    )
    return response


def _unavailable(request: HttpRequest, found: DataExport) -> HttpResponse:
    # 410 Gone for an archive that expired or never came to be; one still being made is only early.
    status = 404 if found.status in (DataExport.Status.PENDING, DataExport.Status.RUNNING) else 410
    return render(
        request,
        "rights/unavailable.html",
        {"export": found, "expiry_days": settings.PETITE_EXPORT_EXPIRY_DAYS},
        status=status,
    )
