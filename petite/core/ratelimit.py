"""Fixed-window rate limits, counted in the cache (shared by every web process when
``REDIS_URL`` is set).

The cache key names whoever is limited (an IP address, an e-mail address, a
member) only by a keyed hash: the cache never holds the identifier, and the
digest cannot be reversed by hashing every IPv4 address without the SECRET_KEY.
"""

from __future__ import annotations

import time

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
