"""The signed unsubscribe link: it names a member and a topic, and works without signing in.

The token is made with :mod:`django.core.signing` under its own salt (a token for
any other purpose of the site is not accepted here, nor the other way round) and
carries the time it was made: it expires after
``settings.PETITE_MARKETING_UNSUBSCRIBE_DAYS``. It proves that whoever holds it
received the message, which is all an unsubscription needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing

SALT = "petite.marketing.unsubscribe"


class InvalidToken(Exception):
    """Not a token we made (forged, altered, cut short)."""


class ExpiredToken(InvalidToken):
    """A token we made, older than the link's lifetime."""


@dataclass(frozen=True)
class Unsubscription:
    member_id: int
    topic_slug: str


def make(*, member_id: int, topic_slug: str) -> str:
    return signing.dumps({"m": member_id, "t": topic_slug}, salt=SALT, compress=True)


def max_age() -> timedelta:
    return timedelta(days=settings.PETITE_MARKETING_UNSUBSCRIBE_DAYS)


def read(token: str) -> Unsubscription:
    """What ``token`` names; raises :class:`ExpiredToken` or :class:`InvalidToken`."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired as error:
        raise ExpiredToken from error
    except (signing.BadSignature, ValueError, UnicodeError) as error:
        raise InvalidToken from error
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("m"), int)
        or not isinstance(data.get("t"), str)
    ):
        raise InvalidToken
    return Unsubscription(member_id=data["m"], topic_slug=data["t"])
