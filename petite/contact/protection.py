"""What keeps the contact form safe without a cookie or a tracker (R1.4, R1.5).

Three guards, none of which identifies the sender or stores anything about them:

* an origin check instead of the CSRF cookie (:func:`petite.core.origin.same_origin`);
* a rate limit per client IP and per sender address, counted in the cache under
  keyed hashes that expire with their window (:func:`consume`);
* a signed timestamp in the form, refusing forms sent too fast (bots) or too late
  (:func:`issue_started` / :func:`check_started`); the honeypot field lives in the form.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum

from django.core import signing

from petite.core import ratelimit

# --- Origin check: petite.core.origin (shared with the cookie banner) ---------

# --- Rate limit -------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    seconds: int


# A person rarely writes more than a few messages in ten minutes. The limit per
# address also stops the form being used to flood someone's mailbox with our
# confirmations from many IPs.
PER_IP = Limit("ip", 5, 10 * 60)
PER_ADDRESS = Limit("address", 5, 60 * 60)


def _consume(limit: Limit, value: str) -> bool:
    return ratelimit.consume(
        f"contact.{limit.scope}", value, limit=limit.count, seconds=limit.seconds
    )


def consume(*, ip: str, email: str) -> bool:
    """Count one message from ``ip`` for ``email``; False when either limit is spent.

    The address is counted only when the IP is within its limit, so a flood
    from one IP cannot use up someone else's address.
    """
    if not _consume(PER_IP, ip):
        return False
    return _consume(PER_ADDRESS, email.strip().lower())


# --- Signed timestamp ---------------------------------------------------------------

MINIMUM_SECONDS = 3
MAXIMUM_SECONDS = 24 * 60 * 60
_SALT = "petite.contact.started"


class Started(Enum):
    OK = "ok"
    TOO_FAST = "too_fast"
    EXPIRED = "expired"
    INVALID = "invalid"


def issue_started() -> str:
    """A signed "form shown at" time for the hidden field: no cookie needed."""
    return signing.Signer(salt=_SALT).sign(str(int(time.time())))


def check_started(value: str) -> Started:
    try:
        shown_at = int(signing.Signer(salt=_SALT).unsign(value))
    except (signing.BadSignature, ValueError):
        return Started.INVALID
    elapsed = time.time() - shown_at
    if elapsed < MINIMUM_SECONDS:
        return Started.TOO_FAST
    if elapsed > MAXIMUM_SECONDS:
        return Started.EXPIRED
    return Started.OK
