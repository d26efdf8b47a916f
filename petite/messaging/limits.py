"""Rate limits against spam, per member (shared by comments): see petite.core.ratelimit."""

from __future__ import annotations

from petite.core import ratelimit

HOUR = 60 * 60
DAY = 24 * HOUR


def consume(scope: str, member_id: object, *, count: int, seconds: int) -> bool:
    """Count one use of ``scope`` by the member; False when the limit is spent."""
    return ratelimit.consume(f"messaging.{scope}", member_id, limit=count, seconds=seconds)
