"""The confirmation link that proves a requester controls a member's verified address.

The link carries a signed token (django.core.signing) naming the request and
the step of its history that sent the link (which records the member); it is
valid for seven days. It holds no e-mail address, which would otherwise end up
in web server logs. Opening it shows a button; only pressing it (a POST)
confirms, so mail scanners that follow links change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

SALT = "petite.datarequests.identity"
MAX_AGE = timedelta(days=7)


@dataclass(frozen=True)
class LinkClaim:
    request_id: str
    event_id: int


class InvalidLink(Exception):
    """The token was altered or was never ours."""


class ExpiredLink(Exception):
    """The token is genuine but older than MAX_AGE."""


def make_token(*, request_id: str, event_id: int) -> str:
    return signing.dumps({"r": request_id, "l": event_id}, salt=SALT)


def read_token(token: str) -> LinkClaim:
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ExpiredLink from None
    except signing.BadSignature:
        raise InvalidLink from None
    try:
        return LinkClaim(str(value["r"]), int(value["l"]))
    except (KeyError, TypeError, ValueError):
        raise InvalidLink from None
