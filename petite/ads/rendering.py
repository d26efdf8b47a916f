"""The advertisement shown in a place of a page (``{% placement %}``, petite.core.placements).

One call per place: with consent, the page's context is noted in the member's
profile and the ad may be chosen from it; without, the ad comes from the page
alone and nothing about the visit is kept. Every ad says that it is one, on
whose behalf, who paid, and links to why it was shown (DSA Art. 26).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from petite.accounts.models import Member

from . import actions, selectors


def render_ad(request: HttpRequest, place: str, context: str) -> str:
    if not settings.PETITE_ADS_ENABLED:
        return ""
    user = getattr(request, "user", None)
    member = user if isinstance(user, Member) and user.is_authenticated else None
    personalised = member is not None and selectors.personalisation_allowed(request)
    today = timezone.localdate()
    shown = None
    # One transaction: the profile update and the counts commit once per page.
    with transaction.atomic():
        if personalised and member is not None and context:
            actions.note_view(member=member, context=context)
        view = (
            selectors.member_view(member, personalised=personalised) if member is not None else None
        )
        for choice in selectors.ranked(
            placement=place, context=context, view=view, personalised=personalised, today=today
        ):
            counted_for = member if personalised else None
            if actions.count_impression(choice=choice, member=counted_for, today=today):
                shown = choice
                break
    if shown is None:
        return ""
    return render_to_string("ads/slot.html", {"choice": shown}, request=request)
