"""Consent for tests: a browser that already chose, without going through the banner."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone

from petite.consent import cookies


def consent_cookie(
    *, audience: bool = True, ads: bool = False, member: Any | None = None, **choice: Any
) -> str:
    """The signed value of a consent cookie saying ``audience`` and ``ads``."""
    return cookies.encode(
        cookies.Choice(
            visitor_id=choice.pop("visitor_id", None) or cookies.new_visitor_id(),
            consents={"audience": audience, "ads": ads},
            made_at=choice.pop("made_at", None) or timezone.now(),
            member_tag=cookies.member_tag(member) if member is not None else "",
        )
    )


def give_consent(
    client: Client, *, audience: bool = True, ads: bool = False, member: Any | None = None
) -> Client:
    """Put a consent cookie in the test client's browser, as if the banner had been used."""
    client.cookies[settings.PETITE_CONSENT_COOKIE_NAME] = consent_cookie(
        audience=audience, ads=ads, member=member
    )
    return client
