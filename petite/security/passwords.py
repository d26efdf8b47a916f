"""Breached-password check at sign-up and password change (P8).

Always: a bundled list of 30,000 commonly breached passwords (zxcvbn 4.5.0's
"passwords" frequency list, MIT licence, drawn from Xato's 10 million leaked
passwords; 20,461 of them are not in Django's common-password list), stored as
sorted 64-bit SHA-1 prefixes (240 kB, ``data/breached-passwords.sha1-64``;
``data/README.md`` says how it was built). A false positive needs a 64-bit
collision: about one in 600 trillion per password.

When ``PETITE_PWNED_RANGE_URL`` is set: the k-anonymity range API (Pwned
Passwords' shape): only the first 5 hex digits of the SHA-1 leave the platform,
with ``Add-Padding: true`` so that the answer's size reveals nothing. A
range service that does not answer does not block the member (the bundled list
still applied); it is logged.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import urllib.request
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

BUNDLED = Path(__file__).resolve().parent / "data" / "breached-passwords.sha1-64"
PREFIX_BYTES = 8


class _Prefixes:
    """A sorted file of fixed-size prefixes, searched by bisection."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __len__(self) -> int:
        return len(self.data) // PREFIX_BYTES

    def __getitem__(self, index: int) -> bytes:
        start = index * PREFIX_BYTES
        return self.data[start : start + PREFIX_BYTES]


@lru_cache(maxsize=1)
def _bundled() -> _Prefixes:
    return _Prefixes(BUNDLED.read_bytes())


def in_bundled_list(password: str) -> bool:
    table = _bundled()
    for candidate in {password, password.lower()}:
        prefix = hashlib.sha1(candidate.encode(), usedforsecurity=False).digest()[:PREFIX_BYTES]
        index = bisect.bisect_left(table, prefix)
        if index < len(table) and table[index] == prefix:
            return True
    return False


def in_range_api(password: str) -> bool | None:
    """True/False from the range API; None when it is not configured or not answering."""
    base = str(getattr(settings, "PETITE_PWNED_RANGE_URL", "") or "").rstrip("/")
    if not base:
        return None
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    request = urllib.request.Request(  # noqa: S310 (an https address from the settings)
        f"{base}/{digest[:5]}", headers={"Add-Padding": "true", "User-Agent": "Petite"}
    )
    try:
        timeout = float(getattr(settings, "PETITE_PWNED_TIMEOUT_SECONDS", 3))
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read().decode("utf-8", "replace")
    except OSError as error:
        logger.warning("Breached-password range API not answering: %s", type(error).__name__)
        return None
    for line in body.splitlines():
        suffix, _sep, count = line.strip().partition(":")
        # Padding lines have a count of 0: they are not breached passwords.
        if suffix.upper() == digest[5:] and count.strip() not in ("", "0"):
            return True
    return False


def is_breached(password: str) -> bool:
    return in_bundled_list(password) or bool(in_range_api(password))


class BreachedPasswordValidator:
    """AUTH_PASSWORD_VALIDATORS entry: refuses a password known from data breaches."""

    def validate(self, password: str, user: Any = None) -> None:
        if is_breached(password):
            raise ValidationError(
                _(
                    "This password appears in lists of passwords stolen in data breaches, "
                    "which attackers try first. Please choose another one."
                ),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Your password must not be one known from data breaches.")
