"""The consent cookie: the browser's choice, signed, and the list of necessary cookies.

The cookie is itself strictly necessary (it remembers a refusal as much as an
agreement). It holds a random visitor id, one yes/no per category, the moment
the choice was made and, once someone signed in from this browser, a keyed tag
of the member it was linked to. It is signed with the SECRET_KEY, so a visitor
cannot make the server believe in a choice it never recorded. It is read only
by the server (HttpOnly): no script is needed to honour it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from petite.privacy import stores
from petite.privacy.purposes import describe_days

from .choices import CATEGORIES

_SALT = "petite.consent.cookie"
_CACHE_ATTRIBUTE = "_petite_consent_choice"


@dataclass(frozen=True)
class Choice:
    """What one browser chose, as its cookie says."""

    visitor_id: str
    consents: Mapping[str, bool] = field(default_factory=dict)
    made_at: dt.datetime = field(default_factory=timezone.now)
    # salted_hmac of the member this browser's records were last linked to ("" if none).
    member_tag: str = ""

    def allows(self, key: str) -> bool:
        return bool(self.consents.get(key, False))

    @property
    def expires_at(self) -> dt.datetime:
        return self.made_at + dt.timedelta(days=settings.PETITE_CONSENT_MAX_AGE_DAYS)

    def is_current(self, now: dt.datetime | None = None) -> bool:
        """Still valid: younger than the setting's lifetime, and about every category we
        have today (a category added since means asking again)."""
        now = now or timezone.now()
        return now < self.expires_at and all(c.key in self.consents for c in CATEGORIES)

    def linked_to(self, member: Any) -> Choice:
        return replace(self, member_tag=member_tag(member))


def new_visitor_id() -> str:
    return uuid.uuid4().hex


def member_tag(member: Any) -> str:
    """A keyed tag of the member: the cookie never carries their id in clear."""
    return salted_hmac("petite.consent.member", str(member.pk), algorithm="sha256").hexdigest()[:16]


def encode(choice: Choice) -> str:
    payload = {
        "v": choice.visitor_id,
        "c": {key: int(bool(value)) for key, value in sorted(choice.consents.items())},
        "t": int(choice.made_at.timestamp()),
        "m": choice.member_tag,
    }
    return signing.dumps(payload, salt=_SALT, compress=False)


def decode(value: str) -> Choice | None:
    """The choice in a cookie value, or None when it is forged, damaged or malformed."""
    try:
        payload = signing.loads(value, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict):
        return None
    visitor_id, consents, made_at, tag = (payload.get(k) for k in ("v", "c", "t", "m"))
    if not (isinstance(visitor_id, str) and len(visitor_id) == 32 and visitor_id.isalnum()):
        return None
    if not isinstance(consents, dict) or not all(
        isinstance(k, str) and v in (0, 1) for k, v in consents.items()
    ):
        return None
    if not isinstance(made_at, int) or not isinstance(tag, str):
        return None
    return Choice(
        visitor_id=visitor_id,
        consents={k: bool(v) for k, v in consents.items()},
        made_at=dt.datetime.fromtimestamp(made_at, tz=dt.UTC),
        member_tag=tag,
    )


def read(request: HttpRequest) -> Choice | None:
    """The browser's choice, even an expired one (its visitor id is kept), once per request."""
    if not hasattr(request, _CACHE_ATTRIBUTE):
        value = request.COOKIES.get(settings.PETITE_CONSENT_COOKIE_NAME)
        setattr(request, _CACHE_ATTRIBUTE, decode(value) if value else None)
    choice: Choice | None = getattr(request, _CACHE_ATTRIBUTE)
    return choice


def current(request: HttpRequest) -> Choice | None:
    """The browser's choice if it still holds; None means "ask" (and "no" until answered)."""
    choice = read(request)
    return choice if choice is not None and choice.is_current() else None


def remember(request: HttpRequest, response: HttpResponseBase, choice: Choice) -> None:
    """Set the cookie on the response, for what is left of the choice's lifetime."""
    max_age = int((choice.expires_at - timezone.now()).total_seconds())
    response.set_cookie(
        settings.PETITE_CONSENT_COOKIE_NAME,
        encode(choice),
        max_age=max(max_age, 0),
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    setattr(request, _CACHE_ATTRIBUTE, choice)


@dataclass(frozen=True)
class NecessaryCookie:
    name: str
    purpose: Promise | str
    lifetime: str


def _lifetime(days: int | None) -> str:
    if not days:
        return str(_("until you close your browser"))
    return describe_days(days)


def declare() -> None:
    """This app's own cookie, declared to the privacy core (from ``ready()``)."""
    stores.cookie(
        stores.Cookie(
            name=settings.PETITE_CONSENT_COOKIE_NAME,
            purpose="P1",
            label=_("Your cookie choice"),
            description=_(
                "Remembers your choice about cookies, so that we do not ask on every page."
            ),
            max_age_days_setting="PETITE_CONSENT_MAX_AGE_DAYS",
        )
    )


def necessary_cookies() -> list[NecessaryCookie]:
    """Every cookie the Platform may set without asking, as declared to the privacy
    core by the apps that set them (privacy.stores): today, all of them."""
    return [
        NecessaryCookie(cookie.name, cookie.description, _lifetime(cookie.days))
        for cookie in stores.cookies()
        if cookie.consent is None
    ]


def necessary_cookie_names() -> set[str]:
    return {cookie.name for cookie in necessary_cookies()}
