"""The member's account pages under /account/ (object-level: only ever their own data)."""

from __future__ import annotations

from typing import cast

from allauth.account.decorators import reauthentication_required
from allauth.usersessions.views import ListUserSessionsView
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from . import selectors
from .models import Member

HISTORY_PAGE_SIZE = 20


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Sign-in history and active sessions, with links to the other security settings."""
    member = cast(Member, request.user)
    page = Paginator(selectors.connection_history(member), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/security.html",
        {"page_obj": page, "sessions": selectors.active_sessions(member)},
    )


class SessionsView(ListUserSessionsView):
    """allauth's sessions page; ending the other sessions comes back here."""

    success_url = reverse_lazy("accounts:sessions")


# Ending sessions is sensitive (a stolen session could lock the owner out of
# their others): the member confirms their password first. Showing the list is not.
sessions = reauthentication_required(SessionsView.as_view(), allow_get=True)
