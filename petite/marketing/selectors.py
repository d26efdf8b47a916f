"""Reads of commercial e-mail: topics, a member's choices, the suppression list, and
the one answer to "may we send this member commercial e-mail on this topic now?"."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.http import HttpRequest

from petite.accounts.models import Member
from petite.accounts.selectors import can_email
from petite.core import bulkmail

from .addresses import address_hash
from .models import Campaign, Subscription, Suppression, Topic


def offered_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(is_offered=True)


def subscribed_topics(member: Member) -> QuerySet[Topic]:
    return Topic.objects.filter(subscriptions__member=member)


def suppression_for(address: str) -> Suppression | None:
    if not address:
        return None
    return Suppression.objects.filter(address_hash=address_hash(address)).first()


def is_suppressed(address: str) -> bool:
    return bool(address) and Suppression.objects.filter(address_hash=address_hash(address)).exists()


def has_verified_address(member: Member) -> bool:
    """Whether the member's address was proven theirs: before that, a typo would
    send offers to a stranger."""
    return EmailAddress.objects.filter(
        user=member, email__iexact=member.email, verified=True
    ).exists()


def consents(
    *, request: HttpRequest | None = None, member: Any | None = None, topic: str | None = None
) -> bool:
    """The answer the privacy core gives for the "marketing" consent (P10).

    True only when, right now: the member chose ``topic`` (any topic when None),
    may be e-mailed at all (not closing, not deactivated), proved their address,
    and the address is not on the suppression list.
    """
    if not isinstance(member, Member) or not member.pk:
        return False
    chosen = Subscription.objects.filter(member=member)
    if topic is not None:
        chosen = chosen.filter(topic_id=topic)
    return (
        can_email(member)
        and chosen.exists()
        and has_verified_address(member)
        and not is_suppressed(member.email)
    )


def audience(campaign: Campaign) -> QuerySet[Member]:
    """Members to plan a campaign for: those who chose its topic and may be e-mailed.

    Planning is a first cut; consent is asked again for each member when their
    message is built (:func:`petite.marketing.emails.build`).
    """
    return Member.objects.visible().filter(marketing_subscriptions__topic=campaign.topic_id)


def progress(campaign: Campaign) -> bulkmail.Progress:
    """Where the campaign's sending stands; the kept totals once its deliveries are purged."""
    live = bulkmail.progress(campaign.deliveries.all())
    if live.total or not campaign.totals:
        return live
    names = {f.name for f in fields(bulkmail.Progress)}
    return bulkmail.Progress(**{k: int(v) for k, v in campaign.totals.items() if k in names})
