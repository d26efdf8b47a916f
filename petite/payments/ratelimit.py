"""Small fixed-window rate limits in the cache, keyed by a hash (never the raw key)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def consume(scope: str, key: object, *, limit: int, seconds: int) -> bool:
    """Count one use of ``scope`` by ``key``; False once ``limit`` uses are spent."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"payments:rate:{scope}:{digest}"
    if cache.add(cache_key, 1, seconds):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, seconds)
        return True
    return count <= limit
