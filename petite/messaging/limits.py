"""Rate limits against spam, per member, counted in the cache (shared by comments).

A fixed window per limit: the key names the member by an HMAC (the cache never
holds an identifier), the limit's scope and the current window.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils.crypto import salted_hmac

HOUR = 60 * 60
DAY = 24 * HOUR


def _key(scope: str, member_id: object, seconds: int) -> str:
    digest = salted_hmac(
        "petite.messaging.rate-limit", f"{scope}:{member_id}", algorithm="sha256"
    ).hexdigest()[:32]
    window = int(time.time() // seconds)
    return f"messaging:rate:{scope}:{digest}:{window}"


def consume(scope: str, member_id: object, *, count: int, seconds: int) -> bool:
    """Count one use of ``scope`` by the member; False when the limit is spent."""
    key = _key(scope, member_id, seconds)
    cache.add(key, 0, timeout=seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        used = 1
    return used <= count
