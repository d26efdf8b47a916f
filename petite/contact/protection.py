"""What keeps the contact form safe without a cookie or a tracker (R1.4, R1.5).

Three guards, none of which identifies the sender or stores anything about them:

* an origin check instead of the CSRF cookie (:func:`same_origin`);
* a rate limit per client IP and per sender address, counted in the cache under
  keyed hashes that expire with their window (:func:`consume`);
* a signed timestamp in the form, refusing forms sent too fast (bots) or too late
  (:func:`issue_started` / :func:`check_started`); the honeypot field lives in the form.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.utils.http import is_same_domain

from petite.core import ratelimit

# --- Origin check -----------------------------------------------------------------


def _origin_allowed(request: HttpRequest, origin: str) -> bool:
    try:
        host = request.get_host()
    except DisallowedHost:
        return False
    if origin == f"{request.scheme}://{host}":
        return True
    parsed = urlsplit(origin)
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        if origin == trusted:
            return True
        trusted_parsed = urlsplit(trusted)
        if (
            "*" in trusted_parsed.netloc
            and parsed.scheme == trusted_parsed.scheme
            and is_same_domain(parsed.netloc, trusted_parsed.netloc.replace("*", "", 1))
        ):
            return True
    return False


def same_origin(request: HttpRequest) -> bool:
    """Whether a POST comes from one of our own pages, judged without any cookie.

    Django's CSRF protection needs a cookie, and the contact form must work for
    a browser that refuses every cookie (R1.5). What CSRF defends against is
    another site making the visitor's browser post here; browsers say where a
    request comes from in headers that a page cannot forge:

    1. ``Sec-Fetch-Site`` (every current browser): "same-origin" is accepted;
       "cross-site" and "same-site" (a sibling subdomain) are refused. Other
       values ("none": typed or bookmarked, never a form post) fall through to
       the next rules.
    2. ``Origin`` (sent with every cross-origin POST, and with same-origin POSTs
       by current browsers): accepted when it is this site (scheme and host, or
       a CSRF_TRUSTED_ORIGINS entry), refused otherwise, including "null"
       (sandboxed frames, privacy redirects). A foreign Origin is refused even
       if Sec-Fetch-Site claims same-origin: the two never disagree in a browser.
    3. Neither header (old browsers, scripts such as curl): accepted only when
       ``Referer`` names this site. Our pages send it to ourselves (Referrer-Policy
       "same-origin"), and an attacker's page cannot make a browser send our
       address as Referer. A client with no header at all is not a browser
       being abused, but we cannot tell it from one, so it is refused.

    The request's host is checked against ALLOWED_HOSTS first, so a forged Host
    header cannot make a foreign origin look like ours.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
    origin = request.headers.get("Origin")
    if fetch_site in {"cross-site", "same-site"}:
        return False
    if origin is not None:
        return _origin_allowed(request, origin.strip())
    if fetch_site == "same-origin":
        return True
    referer = request.headers.get("Referer", "")
    if not referer:
        return False
    parsed = urlsplit(referer)
    return bool(parsed.scheme and parsed.netloc) and _origin_allowed(
        request, f"{parsed.scheme}://{parsed.netloc}"
    )


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
