"""Background work of the accounts app."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.tasks import task

from petite.core import schedule


@schedule.every(timedelta(days=1))
@task
def clear_expired_sessions() -> int:
    """Delete expired sessions, and the session list's rows for sessions that are gone,
    so that a session's data lives no longer than the two weeks the notice promises."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    stale = [s.pk for s in UserSession.objects.iterator() if not s.exists()]
    UserSession.objects.filter(pk__in=stale).delete()
    return len(stale)
