"""What keeps the consent forms honest without a cookie: a rate limit, beside the origin
check of petite.core.origin.

The banner's forms must work before any cookie exists (that is their point), so
they cannot use Django's CSRF cookie. A forged choice would still be harmful (a
foreign page making a browser "accept all"), so the save view accepts only
posts from our own pages, judged by the browser's provenance headers: the same
rule as the contact form (docs/adr/0005-contact-form-without-cookies.md).
"""

from __future__ import annotations

from django.conf import settings

from petite.core import ratelimit

WINDOW_SECONDS = 10 * 60


def consume(*, ip: str) -> bool:
    """Count one recorded choice from ``ip``; False once the address has spent its limit
    (the cache holds only a keyed hash of the address)."""
    return ratelimit.consume(
        "consent.choice", ip, limit=settings.PETITE_CONSENT_RATE_LIMIT, seconds=WINDOW_SECONDS
    )
