"""A member's data requests: file one, follow one's own; confirm one's identity by link.

Object-level access: a member only ever sees requests linked to their account
(selectors.requests_of), staff included: they work in the back-office.
"""

from __future__ import annotations

from typing import cast

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from petite.accounts.models import Member

from . import actions, identity, selectors
from .forms import NewRequestForm
from .models import DataRequest


@login_required
@require_http_methods(["GET", "HEAD"])
def request_list(request: HttpRequest) -> HttpResponse:
    member = cast(Member, request.user)
    return render(
        request, "datarequests/list.html", {"data_requests": selectors.requests_of(member)}
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    member = cast(Member, request.user)
    data_request = selectors.request_of(member, reference)
    if data_request is None:
        raise Http404
    return render(
        request,
        "datarequests/detail.html",
        {
            "data_request": data_request,
            "events": selectors.history_for_member(data_request),
        },
    )


# Filing a request from the account identifies the requester at once: it is
# their signed-in session, and they confirm their password first (allauth's
# reauthentication) so that a borrowed, unlocked browser is not enough.
@login_required
@reauthentication_required(allow_get=True)
@require_http_methods(["GET", "HEAD", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    member = cast(Member, request.user)
    if request.method != "POST":
        kind = request.GET.get("kind", "")
        initial = {"kind": kind} if kind in DataRequest.Kind.values else {}
        return render(request, "datarequests/new.html", {"form": NewRequestForm(initial=initial)})
    form = NewRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "datarequests/new.html", {"form": form})
    kind = form.cleaned_data["kind"]
    data_request = actions.receive_request(
        channel=DataRequest.Channel.IN_APP,
        requester_email=member.email,
        requester_name=member.get_full_name(),
        subject=str(DataRequest.Kind(kind).label),
        text=form.cleaned_data["message"],
        kind=kind,
        member=member,
        actor=member,
        language=member.language or get_language() or "",
    )
    messages.success(
        request,
        _("Your request %(reference)s is registered. We answer it by %(due)s.")
        % {"reference": data_request.reference, "due": _format_due(data_request)},
    )
    return redirect("datarequests:detail", reference=data_request.reference)


def _format_due(data_request: DataRequest) -> str:
    from .mail import format_day

    return format_day(data_request.due_at)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_identity(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: GET shows a button, only POST confirms."""
    if request.method != "POST":
        try:
            claim = identity.read_token(token)
        except identity.ExpiredLink:
            return _link_refused(
                request,
                _(
                    "This confirmation link has expired. Reply to our e-mail or write to us "
                    "again, and we will send a new one."
                ),
            )
        except identity.InvalidLink:
            return _link_refused(request, _("This confirmation link is not valid."))
        data_request = DataRequest.objects.filter(pk=claim.request_id).first()
        if data_request is None:
            return _link_refused(request, _("This confirmation link is not valid."))
        return render(
            request, "datarequests/confirm.html", {"data_request": data_request, "token": token}
        )
    try:
        data_request = actions.confirm_identity_by_link(token=token)
    except actions.LinkRefused as error:
        return _link_refused(request, str(error.message))
    return render(request, "datarequests/confirmed.html", {"data_request": data_request})


def _link_refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "datarequests/link_refused.html", {"reason": reason}, status=400)
