"""Background work of the accounts app."""

from __future__ import annotations

import logging
from datetime import timedelta
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.tasks import task
from django.utils import timezone

from petite.core import schedule

from .models import Member

logger = logging.getLogger(__name__)


@schedule.every(timedelta(days=1))
@task
def clear_expired_sessions() -> int:
    """Delete expired sessions, and the session list's rows for sessions that are gone,
    so that a session's data lives no longer than the two weeks the notice promises."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    # Sessions live in the database (SESSION_ENGINE is Django's default), so one
    # statement finds the list's rows whose session is gone, however many there are.
    _total, deleted = UserSession.objects.exclude(
        session_key__in=Session.objects.values("session_key")
    ).delete()
    return deleted.get(UserSession._meta.label, 0)


@task
def erase_account(member_id: int) -> str | None:
    """Erase one closing account whose date has come (at once when the member chose so).

    Returns the receipt's id; None when there is nothing to do: the member cancelled,
    or the account was already erased (a task run twice erases once).
    """
    from . import actions

    member = (
        Member.objects.closing().filter(pk=member_id, deletion_due_at__lte=timezone.now()).first()
    )
    if member is None:
        return None
    return str(actions.erase_closing_account(member=member).pk)


@schedule.every(timedelta(hours=1))
@task
def erase_due_accounts() -> int:
    """Erase every closing account whose grace period is over; returns how many.

    Each erasure is its own transaction: a crash keeps those done, and the next run
    picks up the rest. One member's failure (its receipt says FAILED) does not stop
    the others; it is tried again an hour later.
    """
    from . import actions

    due = Member.objects.closing().filter(deletion_due_at__lte=timezone.now())
    erased = 0
    for member_id in list(due.order_by("deletion_due_at").values_list("pk", flat=True)):
        member = due.filter(pk=member_id).first()  # it may have been cancelled meanwhile
        if member is None:
            continue
        try:
            actions.erase_closing_account(member=member)
        except Exception:
            logger.exception("Erasure of a closing account failed; retried next run")
            continue
        erased += 1
    return erased
