"""The owner's pages: their Portrait, its edit form, and clearing it.

No URL takes a member or Portrait id: every view works on ``request.user``'s
own Portrait, so there is nothing to guess to reach someone else's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from petite.accounts.models import Member
from petite.core.formbody import edits_existing_data

from . import actions, countries, selectors
from .forms import PortraitForm
from .models import Portrait


def _member(request: HttpRequest) -> Member:
    user = request.user
    assert isinstance(user, Member)  # login_required guarantees it
    return user


@login_required
@require_http_methods(["GET", "HEAD"])
def detail(request: HttpRequest) -> HttpResponse:
    portrait = selectors.portrait_of(_member(request))
    return render(
        request,
        "portraits/detail.html",
        {
            "portrait": portrait,
            "country_name": countries.name(portrait.country) if portrait else "",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@edits_existing_data
def edit(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    portrait = selectors.portrait_of(member) or Portrait(member=member)
    if request.method == "POST":
        form = PortraitForm(request.POST, instance=portrait)
        if form.is_valid():
            actions.update_portrait(member=member, **form.changes())
            messages.success(request, _("Your Portrait has been saved."))
            return redirect("portraits:detail")
    else:
        form = PortraitForm(instance=portrait)
    return render(request, "portraits/edit.html", {"form": form, "portrait": portrait})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def clear(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if request.method == "POST":
        if actions.clear_portrait(member=member):
            messages.success(request, _("Your Portrait has been cleared: nothing of it is kept."))
        return redirect("portraits:edit")
    return render(request, "portraits/clear.html", {"portrait": selectors.portrait_of(member)})
