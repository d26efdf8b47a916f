"""The device cookie: a random id, signed, HttpOnly, 14 days; strictly necessary
for security (declared to the privacy registry in apps.py)."""

from __future__ import annotations

import re

from django.http import HttpRequest

COOKIE = "petite_device"
SALT = "petite.security.device"
MAX_AGE_DAYS = 14
PENDING_ATTRIBUTE = "_petite_device_to_set"
_ID = re.compile(r"^[0-9a-f]{32}$")


def device_id(request: HttpRequest) -> str | None:
    """The id of this browser's valid device cookie, or None."""
    value = request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=MAX_AGE_DAYS * 86400)
    return value if isinstance(value, str) and _ID.match(value) else None


def remember(request: HttpRequest, device: str) -> None:
    setattr(request, PENDING_ATTRIBUTE, device)
