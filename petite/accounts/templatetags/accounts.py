"""Template helpers of the accounts pages."""

from __future__ import annotations

from datetime import timedelta

from django import template

from .. import devices, location

register = template.Library()


@register.filter
def minutes(delay: timedelta | None) -> int:
    """A delay in whole minutes, rounded up ("try again in 15 minutes")."""
    if not delay:
        return 0
    return max(1, -(-int(delay.total_seconds()) // 60))


@register.filter
def device(user_agent: str) -> str:
    """ "Firefox on Linux" from a user agent."""
    return devices.describe(user_agent or "")


@register.filter
def whereabouts(ip: str) -> location.Location:
    """The approximate location of an IP address (country and network)."""
    return location.resolve(ip or "")
