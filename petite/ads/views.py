"""The member's ad profile, "why this ad", and the click through to an advertiser."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from petite.accounts.models import Member
from petite.core import placements
from petite.core.http import signed_in_member

from . import actions, selectors
from .forms import AdvertiserChoiceForm, InterestChoiceForm
from .models import Campaign, Creative, InterestCategory


def _member(request: HttpRequest) -> Member:
    member: Member = signed_in_member(request)
    return member


@never_cache
@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(
        request,
        "ads/profile.html",
        {
            "personalised": selectors.personalisation_allowed(request),
            "interests": list(selectors.profile_of(member)),
            "removed": list(selectors.excluded_of(member)),
            "blocked": list(selectors.blocked_of(member)),
            "add_form": InterestChoiceForm(),
            "addable": selectors.addable_interests(member),
            "advertisers": selectors.advertisers_to_block(member),
        },
    )


def _profile_change(
    form_class: type[InterestChoiceForm] | type[AdvertiserChoiceForm],
    field: str,
    change: Callable[..., None],
    done: StrOrPromise,
) -> Callable[[HttpRequest], HttpResponse]:
    @never_cache
    @login_required
    @require_POST
    def view(request: HttpRequest) -> HttpResponse:
        form = form_class(request.POST)
        if not form.is_valid():
            return render(
                request,
                "ads/refused.html",
                {"errors": [e for errors in form.errors.values() for e in errors]},
                status=400,
            )
        change(member=_member(request), **{field: form.cleaned_data[field]})
        messages.success(request, str(done))
        return redirect("ads:profile")

    return view


remove_interest = _profile_change(
    InterestChoiceForm,
    "interest",
    actions.remove_interest,
    _("Removed. It will not be used to choose your advertisements again."),
)
add_interest = _profile_change(
    InterestChoiceForm, "interest", actions.add_interest, _("Added to your ad profile.")
)
block_advertiser = _profile_change(
    AdvertiserChoiceForm,
    "advertiser",
    actions.block_advertiser,
    _("Blocked. You will not see this advertiser's advertisements."),
)
unblock_advertiser = _profile_change(
    AdvertiserChoiceForm, "advertiser", actions.unblock_advertiser, _("Unblocked.")
)


@require_GET
def why(request: HttpRequest, token: str) -> HttpResponse:
    """Why an ad was shown: exactly the interests or the page context used (DSA Art. 26)."""
    value = selectors.read_why(token)
    campaign = None
    if value is not None:
        campaign = (
            Campaign.objects.select_related("advertiser")
            .filter(pk=int(value.get("c") or 0))
            .first()
        )
    if value is None or campaign is None:
        return render(request, "ads/why_gone.html", status=404)
    interests: list[Any] = []
    if value.get("b") == "interests":
        keys = [str(k) for k in value.get("i", [])]
        interests = list(InterestCategory.objects.filter(key__in=keys))
    context = str(value.get("x", ""))
    return render(
        request,
        "ads/why.html",
        {
            "campaign": campaign,
            "advertiser": campaign.advertiser,
            "basis": value.get("b"),
            "interests": interests,
            "context": context,
            "context_words": placements.describe(context) if context else "",
            "signed_in": request.user.is_authenticated,
        },
    )


@require_GET
def go(request: HttpRequest, token: str) -> HttpResponse:
    """A click: counted per campaign and day (no one's identity), then on to the advertiser."""
    value = selectors.read_click(token)
    creative = None
    if value is not None:
        creative = Creative.objects.filter(
            pk=int(value.get("k") or 0), campaign_id=int(value.get("c") or 0)
        ).first()
    if creative is None:
        return render(request, "ads/why_gone.html", status=404)
    actions.count_click(creative=creative, today=timezone.localdate())
    # The destination was entered by staff in the back-office, never taken from the link.
    return HttpResponseRedirect(creative.destination)
