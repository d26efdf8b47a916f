"""The member's e-mail preferences, and the unsubscribe link that needs no sign-in."""

from __future__ import annotations

from typing import Any, cast

from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from petite.accounts.models import Member
from petite.core import machine
from petite.core.formbody import edits_existing_data

from . import actions, emails, selectors, tokens
from .forms import PreferencesForm
from .models import ConsentRecord, Source, Suppression, Topic

HISTORY_LENGTH = 10


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@edits_existing_data
def preferences(request: HttpRequest) -> HttpResponse:
    member = cast(Member, request.user)
    chosen = list(selectors.subscribed_topics(member))
    shown = list(selectors.offered_topics())
    shown += [t for t in chosen if t not in shown]
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        shown=shown,
        initial={"topics": chosen},
    )
    if request.method == "POST" and form.is_valid():
        changes = actions.choose_topics(
            member=member,
            chosen=form.cleaned_data["topics"],
            shown=shown,
            source=Source.PREFERENCES,
        )
        messages.success(
            request,
            _("Your choices are saved.")
            if changes
            else _("Nothing changed: your choices were already these."),
        )
        return redirect("marketing:preferences")
    suppression = selectors.suppression_for(member.email)
    return render(
        request,
        "marketing/preferences.html",
        {
            "form": form,
            "suppression": suppression,
            "Reason": Suppression.Reason,
            "history": ConsentRecord.objects.filter(member=member).select_related("topic")[
                :HISTORY_LENGTH
            ],
            "verified": selectors.has_verified_address(member),
        },
    )


# The unsubscribe link must work from any mail program, signed in or not, and
# RFC 8058's one-click POST comes from the mail provider's servers, with no
# session and no CSRF token. The signed token in the address is what authorises
# the request: only the person the message was sent to has it, so a forged
# cross-site POST cannot name anyone, and the worst a POST can do is unsubscribe
# the token's owner from what they were sent. Exempting this one view is safe.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link would do, with a button (link scanners only GET);
    POST (the button, or a mail program's one-click) unsubscribes and answers 200."""
    try:
        unsubscription = tokens.read(token)
    except tokens.ExpiredToken:
        return render(
            request,
            "marketing/unsubscribe_invalid.html",
            {"expired": True, "days": settings.PETITE_MARKETING_UNSUBSCRIBE_DAYS},
            status=410,
        )
    except tokens.InvalidToken:
        return render(request, "marketing/unsubscribe_invalid.html", {"expired": False}, status=400)
    member = Member.objects.filter(pk=unsubscription.member_id).first()
    topic = Topic.objects.filter(pk=unsubscription.topic_slug).first()
    if member is None or topic is None:
        # The account (or the topic) was deleted since: nothing is sent to it any more.
        return render(request, "marketing/unsubscribe_done.html", {"gone": True})
    language = emails.member_language(member.language) if member.language else None
    with translation.override(language or translation.get_language()):
        if request.method != "POST":
            return render(
                request,
                "marketing/unsubscribe_confirm.html",
                {
                    "topic": topic,
                    "subscribed": selectors.subscribed_topics(member).filter(pk=topic.pk).exists(),
                },
            )
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        everything = request.POST.get("scope") == "all"
        withdrawn = actions.withdraw(
            member=member,
            topics=None if everything else [topic],
            source=Source.ONE_CLICK if one_click else Source.UNSUBSCRIBE_LINK,
        )
        return render(
            request,
            "marketing/unsubscribe_done.html",
            {"topic": topic, "everything": everything, "withdrawn": withdrawn, "gone": False},
        )


class TrackingWebhookView(MailgunTrackingWebhookView):
    """Mailgun's delivery events. Signed events whose data has another shape than
    Mailgun's are refused with 400 (petite.core.machine), never a 500."""

    def parse_events(self, request: HttpRequest) -> list[Any]:
        with machine.reading():
            return list(super().parse_events(request))
