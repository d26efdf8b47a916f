"""The client's IP address, trusting proxy headers only as far as configured.

``PETITE_TRUSTED_PROXY_COUNT`` says how many reverse proxies stand in front of
the platform. With 0 (the default) ``X-Forwarded-For`` is ignored entirely, so
a client cannot forge its address; with N, the address N hops from the right
of the header is taken, which is the one the outermost trusted proxy saw.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104
    trusted = settings.PETITE_TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < trusted:
        return remote
    return _valid(hops[-trusted]) or remote
