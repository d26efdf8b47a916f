"""Whether a POST comes from one of our own pages, judged without any cookie.

Forms that must work before or without any cookie (the contact form, the cookie
banner) cannot use Django's CSRF cookie: they check where the post comes from
instead (docs/adr/0005-contact-form-without-cookies.md).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.utils.http import is_same_domain


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
