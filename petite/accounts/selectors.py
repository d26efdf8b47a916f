"""Reads of the accounts app: a member's own sign-in history and sessions."""

from __future__ import annotations

from datetime import timedelta

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from .models import ConnectionEvent, Member


def connection_history(member: Member) -> QuerySet[ConnectionEvent]:
    """The member's sign-in attempts, newest first: only ever their own rows."""
    return ConnectionEvent.objects.filter(member=member).order_by("-created_at", "-id")


def active_sessions(member: Member) -> list[UserSession]:
    """The member's sessions seen within the session lifetime, most recent first.

    A cheap listing for the account page; allauth's sessions page also purges
    sessions whose cookie expired, at the cost of a few queries per session.
    """
    since = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return list(
        UserSession.objects.filter(user=member, last_seen_at__gte=since).order_by("-last_seen_at")
    )
