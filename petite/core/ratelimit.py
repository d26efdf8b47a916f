"""Fixed-window rate limits, counted in the cache (shared by every web process when
``REDIS_URL`` is set).

The cache key names whoever is limited (an IP address, an e-mail address, a
member) only by a keyed hash: the cache never holds the identifier, and the
digest cannot be reversed by hashing every IPv4 address without the SECRET_KEY.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.cache import cache
from django.utils.crypto import salted_hmac


def cache_key(scope: str, key: object, seconds: int) -> str:
    digest = salted_hmac("petite.rate-limit", f"{scope}:{key}", algorithm="sha256").hexdigest()
    return f"rate:{scope}:{digest[:32]}:{int(time.time() // seconds)}"


def consume(scope: str, key: object, *, limit: int, seconds: int) -> bool:
    """Count one use of ``scope`` by ``key``; False once ``limit`` uses are spent in
    the current window of ``seconds``."""
    name = cache_key(scope, key, seconds)
    cache.add(name, 0, timeout=seconds)
    try:
        used = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=seconds)
        used = 1
    return used <= limit


# --- Limits that depend on who is limited --------------------------------------------

_adjusters: list[Callable[[str, object, int], int]] = []


def adjust_limits(adjuster: Callable[[str, object, int], int]) -> Callable[[str, object, int], int]:
    """Register ``adjuster(scope, key, limit) -> limit`` (the security app tightens
    the limits of new accounts this way, without the limited apps knowing it)."""
    if adjuster not in _adjusters:
        _adjusters.append(adjuster)
    return adjuster


def adjusted(scope: str, key: object, limit: int) -> int:
    for adjuster in _adjusters:
        limit = adjuster(scope, key, limit)
    return limit
