"""What keeps the consent forms honest without a cookie: an origin check and a rate limit.

The banner's forms must work before any cookie exists (that is their point), so
they cannot use Django's CSRF cookie. A forged choice would still be harmful (a
foreign page making a browser "accept all"), so the save view accepts only
posts from our own pages, judged by the browser's provenance headers: the same
rule as the contact form (docs/adr/0005-contact-form-without-cookies.md).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from petite.contact.protection import same_origin

__all__ = ["consume", "same_origin"]

WINDOW_SECONDS = 10 * 60


def consume(*, ip: str) -> bool:
    """Count one recorded choice from ``ip``; False once the address has spent its limit.

    The cache key is a keyed hash of the address, never the address itself.
    """
    digest = salted_hmac("petite.consent.rate-limit", ip, algorithm="sha256").hexdigest()[:32]
    key = f"consent:rate:{digest}:{int(time.time() // WINDOW_SECONDS)}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        used = 1
    return bool(used <= settings.PETITE_CONSENT_RATE_LIMIT)
