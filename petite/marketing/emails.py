"""One member's copy of a campaign, built at the moment it is sent.

:func:`builder` gives :func:`petite.core.bulkmail.send_due` its ``build``
callback. For each delivery it first asks the privacy core whether the member
consents to the campaign's topic *now* (:func:`petite.privacy.consent.given`);
when not (they withdrew after the campaign was planned, their address bounced,
their account is closing) it returns None and the delivery is skipped.

Each message is in the member's language, plain text and HTML, and carries the
RFC 8058 one-click unsubscribe headers pointing at a signed link that works
without signing in; the same link is in the body.
"""

from __future__ import annotations

import email.policy
from collections.abc import Callable
from email.message import EmailMessage as PythonEmailMessage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from petite.privacy import consent, purposes

from . import content, tokens
from .models import Campaign, CampaignDelivery

# RFC 5322 allows 998 characters on a header line. With the default 78, Python
# turns a long unsubscribe URL (it has no space to fold at) into RFC 2047
# encoded-words, which mail programs do not decode in List-Unsubscribe: the
# one-click button would silently not appear.
LONG_HEADER_LINES = email.policy.default.clone(max_line_length=998)


class CampaignMessage(EmailMultiAlternatives):
    def message(
        self, *, policy: email.policy.Policy | None = LONG_HEADER_LINES
    ) -> PythonEmailMessage:
        return super().message(policy=policy or LONG_HEADER_LINES)


def member_language(language: str) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def unsubscribe_url(*, member_id: int, topic_slug: str) -> str:
    token = tokens.make(member_id=member_id, topic_slug=topic_slug)
    return settings.SITE_URL + reverse("marketing_machine:unsubscribe", args=[token])


def render(
    campaign: Campaign, *, member_id: int, to: str, html_body: str | None = None
) -> CampaignMessage:
    """The message as the active language writes it (used for sending and previews).
    ``html_body`` is the body already sanitised for this language, when the caller has it."""
    if html_body is None:
        html_body = content.to_html(campaign.body, campaign.body_format)
    link = unsubscribe_url(member_id=member_id, topic_slug=campaign.topic_id)
    context = {
        "campaign": campaign,
        "topic": campaign.topic,
        # Sanitised by nh3 just above: only the allowed tags and link schemes remain.
        "body_html": mark_safe(html_body),  # noqa: S308
        "body_text": content.to_text(html_body),
        "unsubscribe_url": link,
        "preferences_url": settings.SITE_URL + reverse("marketing:preferences"),
    }
    message = CampaignMessage(
        subject=campaign.subject,
        body=render_to_string("marketing/email/campaign.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("marketing/email/campaign.html", context), "text/html"
    )
    return message


def builder(campaign: Campaign) -> Callable[[CampaignDelivery], EmailMultiAlternatives | None]:
    # The body is the same for every member of a language: sanitise it once each.
    bodies: dict[str, str] = {}

    def build(delivery: CampaignDelivery) -> EmailMultiAlternatives | None:
        member = delivery.member
        if not consent.given(purposes.P10, member=member, topic=campaign.topic_id):
            return None
        language = member_language(member.language)
        with translation.override(language):
            if language not in bodies:
                bodies[language] = content.to_html(campaign.body, campaign.body_format)
            return render(
                campaign, member_id=member.pk, to=member.email, html_body=bodies[language]
            )

    return build
