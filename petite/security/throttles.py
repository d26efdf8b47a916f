"""Abuse throttles beyond sign-in (P8): new accounts get tighter limits on
messages, new conversations and comments, through core's limit adjusters
(registered in apps.py). Sign-ups per IP address are limited by allauth's
``ACCOUNT_RATE_LIMITS["signup"]`` (settings: a burst and a daily limit)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from petite.accounts.models import Member

# The scopes that tighten, and by how much (a new account gets limit // divisor).
TIGHTENED = {
    "messaging.message": 4,
    "messaging.conversation": 4,
    "messaging.comment": 4,
}


def is_new_account(member_id: object) -> bool:
    key = f"security:joined:{member_id}"
    joined = cache.get(key)
    if joined is None:
        if not isinstance(member_id, (int, str)):
            return False
        joined = Member.objects.filter(pk=member_id).values_list("date_joined", flat=True).first()
        if joined is None:
            return False
        cache.set(key, joined, timeout=3600)
    return bool(joined > timezone.now() - timedelta(days=settings.PETITE_NEW_ACCOUNT_DAYS))


def tighten_for_new_accounts(scope: str, key: object, limit: int) -> int:
    divisor = TIGHTENED.get(scope)
    if divisor is None or not is_new_account(key):
        return limit
    return max(1, limit // divisor)
