"""Rate limits of the payment pages: see petite.core.ratelimit."""

from __future__ import annotations

from petite.core import ratelimit


def consume(scope: str, key: object, *, limit: int, seconds: int) -> bool:
    """Count one use of ``scope`` by ``key``; False once ``limit`` uses are spent."""
    return ratelimit.consume(f"payments.{scope}", key, limit=limit, seconds=seconds)
