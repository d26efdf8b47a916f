"""The signed "This wasn't me" link of a sign-in alert: it names the alert, expires,
and works once (the alert records its use). It never signs anyone in."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "petite.security.wasnt-me"


def max_age_seconds() -> int:
    return int(getattr(settings, "PETITE_WASNT_ME_DAYS", 7)) * 86400


def make(alert_id: int) -> str:
    return signing.dumps({"alert": alert_id}, salt=SALT, compress=False)


def read(token: str) -> int | None:
    """The alert's id, or None when the link is forged, damaged or expired."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age_seconds())
    except signing.BadSignature:  # includes SignatureExpired
        return None
    alert = payload.get("alert") if isinstance(payload, dict) else None
    return alert if isinstance(alert, int) else None
