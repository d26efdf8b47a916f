"""Rate limits against spam, per member (shared by comments): see petite.core.ratelimit."""

from __future__ import annotations

from petite.core import ratelimit

HOUR = 60 * 60
DAY = 24 * HOUR


def consume(scope: str, member_id: object, *, count: int, seconds: int) -> bool:
    """Count one use of ``scope`` by the member; False when the limit is spent.
    The limit may be tightened for new accounts (``ratelimit.adjust_limits``)."""
    name = f"messaging.{scope}"
    limit = ratelimit.adjusted(name, member_id, count)
    return ratelimit.consume(name, member_id, limit=limit, seconds=seconds)
