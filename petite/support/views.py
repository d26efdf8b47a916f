"""The help page and the member's requests (P6). Thin: check the request, call one action."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from petite.accounts.models import Member
from petite.core.errors import ActionRefused
from petite.core.http import client_ip, refusal_response

from . import actions, selectors, uploads
from .forms import OpenRequestForm, RatingForm, ReplyForm
from .models import HelpRequest


def _member(request: HttpRequest) -> Member | None:
    user = request.user
    return user if isinstance(user, Member) and user.is_authenticated else None


@require_http_methods(["GET", "HEAD", "POST"])
def help_page(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    initial: dict[str, Any] = (
        {"name": member.get_full_name(), "email": member.email} if member else {}
    )
    form = OpenRequestForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            files = uploads.check(data["attachments"], uploader=member, ip=client_ip(request))
            opened = actions.open_request(
                # A signed-in member writes as themselves, whatever the form says.
                name=member.get_full_name() if member else data["name"],
                email=member.email if member else data["email"],
                subject=data["subject"],
                body=data["body"],
                category=data["category"],
                channel=HelpRequest.Channel.WEB,
                member=member,
                language=get_language() or "",
                files=files,
            )
        except ActionRefused as refused:
            form.add_error(None, str(refused))
            return render(request, "support/help.html", {"form": form}, status=refused.status)
        if member:
            return redirect("support:detail", number=opened.pk)
        return render(request, "support/thanks.html", {"help_request": opened})
    status = 400 if request.method == "POST" else 200
    return render(request, "support/help.html", {"form": form}, status=status)


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    assert member is not None
    return render(request, "support/list.html", {"requests": selectors.requests_of(member)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_detail(request: HttpRequest, number: int) -> HttpResponse:
    member = _member(request)
    assert member is not None
    help_request = selectors.request_of(member, number)
    reply_form = ReplyForm()
    rating_form = RatingForm(
        initial={
            "satisfaction": help_request.satisfaction,
            "comment": help_request.satisfaction_comment,
        }
    )
    status = 200
    if request.method == "POST":
        try:
            if "satisfaction" in request.POST:
                rating_form = RatingForm(request.POST)
                if rating_form.is_valid():
                    actions.rate(
                        request=help_request,
                        satisfaction=rating_form.cleaned_data["satisfaction"],
                        comment=rating_form.cleaned_data["comment"],
                    )
                    return redirect("support:detail", number=number)
            else:
                reply_form = ReplyForm(request.POST, request.FILES)
                if reply_form.is_valid():
                    files = uploads.check(
                        reply_form.cleaned_data["attachments"],
                        uploader=member,
                        ip=client_ip(request),
                    )
                    actions.reply_as_requester(
                        request=help_request, body=reply_form.cleaned_data["body"], files=files
                    )
                    return redirect("support:detail", number=number)
            status = 400
        except ActionRefused as refused:
            return refusal_response(request, refused)
    return render(
        request,
        "support/detail.html",
        {
            "help_request": help_request,
            "thread": selectors.thread_for_requester(help_request),
            "reply_form": reply_form,
            "rating_form": rating_form,
        },
        status=status,
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    member = _member(request)
    assert member is not None
    found = selectors.attachment_of(member, pk)
    response = FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)
    response["Content-Type"] = found.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
