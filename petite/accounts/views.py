"""The member's account pages under /account/ (object-level: only ever their own data)."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from allauth.account.decorators import reauthentication_required
from allauth.account.views import PasswordChangeView
from allauth.usersessions.views import ListUserSessionsView
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from petite.core.errors import ActionRefused
from petite.core.http import refusal_response

from . import actions, selectors
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

# Changing the password asks for it again first, like every sensitive change (ASVS
# 2.2.3/3.7.1: a borrowed session must not be enough); allauth's own e-mail and
# two-factor pages ask through ACCOUNT_/MFA_REAUTHENTICATION_REQUIRED.
password_change = reauthentication_required(
    PasswordChangeView.as_view(), allow_get=False, app="allauth.account"
)


# --- Account deletion (U2, E4) -------------------------------------------------------


class DeletionForm(forms.Form):
    LATER = "later"
    NOW = "now"

    when = forms.ChoiceField(
        label=_("When should we erase your account?"), widget=forms.RadioSelect, initial=LATER
    )

    def __init__(self, *args: Any, grace_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        when = cast(forms.ChoiceField, self.fields["when"])
        when.choices = [
            (
                self.LATER,
                ngettext(
                    "In %(days)d day: until then, you can change your mind by signing in",
                    "In %(days)d days: until then, you can change your mind by signing in",
                    grace_days,
                )
                % {"days": grace_days},
            ),
            (self.NOW, _("Now: this cannot be undone")),
        ]


def _deletion_context(form: DeletionForm) -> dict[str, Any]:
    return {
        "form": form,
        "erased": selectors.erased_categories(),
        "kept_by_law": selectors.kept_by_law(),
        "kept_without_identity": selectors.kept_without_identity(),
        "grace_days": settings.PETITE_ACCOUNT_DELETION_GRACE_DAYS,
    }


@login_required
@reauthentication_required(allow_get=False)
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete one's own account (U2, E4): after confirming the password, with a plain
    account of what is erased and what the law makes us keep. Only ever the signed-in
    member's own account: no identifier is taken from the request."""
    member = cast(Member, request.user)
    if member.is_closing:
        return redirect("accounts:delete_cancel")
    grace_days = settings.PETITE_ACCOUNT_DELETION_GRACE_DAYS
    form = DeletionForm(request.POST or None, grace_days=grace_days)
    if request.method == "POST" and form.is_valid():
        immediate = form.cleaned_data["when"] == DeletionForm.NOW
        actions.request_account_deletion(member=member, immediate=immediate)
        # The action ended every session in the store; this clears the one in hand.
        logout(request)
        when = DeletionForm.NOW if immediate else DeletionForm.LATER
        return redirect(reverse("accounts:delete_done") + "?" + urlencode({"when": when}))
    return render(request, "accounts/delete.html", _deletion_context(form))


def deletion_done(request: HttpRequest) -> HttpResponse:
    """Where a member lands, signed out, after asking for the deletion."""
    immediate = request.GET.get("when") == DeletionForm.NOW
    return render(
        request,
        "accounts/delete_done.html",
        {"immediate": immediate, "grace_days": settings.PETITE_ACCOUNT_DELETION_GRACE_DAYS},
    )


@login_required
def cancel_deletion(request: HttpRequest) -> HttpResponse:
    """A closing member who signs in lands here: keep the account, or sign out again."""
    member = cast(Member, request.user)
    if not member.is_closing:
        return redirect("accounts:security")
    if request.method == "POST":
        if request.POST.get("action") == "keep":
            try:
                actions.cancel_account_deletion(member=member)
            except ActionRefused as refused:
                logout(request)
                return refusal_response(request, refused)
            messages.success(request, _("Your account will not be deleted. Welcome back."))
            return redirect("accounts:security")
        logout(request)
        return redirect(
            reverse("accounts:delete_done") + "?" + urlencode({"when": DeletionForm.LATER})
        )
    return render(request, "accounts/delete_cancel.html", {"due_at": member.deletion_due_at})
