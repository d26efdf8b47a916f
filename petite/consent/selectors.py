"""Reads of the consent app, and the answers it gives the privacy core.

:func:`audience_consent` and :func:`ads_consent` are registered with
``petite.privacy.consent.provide()`` (see apps.py): code that processes data
for P2 or P7 never calls them directly, it asks
``petite.privacy.consent.given(purposes.P2, request=request)``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from petite.privacy import consent, purposes
from petite.privacy.notice import render_notice

from . import cookies
from .choices import ADS, AUDIENCE
from .models import ConsentRecord


def global_privacy_control(request: HttpRequest) -> bool:
    """Whether the browser sends Global Privacy Control (``Sec-GPC: 1``)."""
    return request.headers.get("Sec-GPC", "").strip() == "1"


def latest_record(member: Any) -> ConsentRecord | None:
    """The member's most recent choice that still holds (for work done without a request)."""
    if member is None or member.pk is None:
        return None
    since = timezone.now() - dt.timedelta(days=settings.PETITE_CONSENT_MAX_AGE_DAYS)
    return (
        ConsentRecord.objects.filter(member=member, created_at__gt=since)
        .order_by("-created_at", "-pk")
        .first()
    )


def _from_browser_or_ledger(key: str, *, request: HttpRequest | None, member: Any | None) -> bool:
    # On the web, the browser's own choice decides: consent to cookies and trackers is
    # given per browser (ePrivacy Art. 5(3)), and a choice made on another device does
    # not hold here. Without a request (a task), the member's latest choice decides.
    if request is not None:
        choice = cookies.current(request)
        return choice is not None and choice.allows(key)
    record = latest_record(member)
    return record is not None and bool(getattr(record, key))


def audience_consent(
    *, request: HttpRequest | None, member: Any | None, topic: str | None = None
) -> bool:
    """The answer for "audience" (P2): the usage counts of petite.accounts."""
    return _from_browser_or_ledger(AUDIENCE.key, request=request, member=member)


def ads_consent(
    *, request: HttpRequest | None, member: Any | None, topic: str | None = None
) -> bool:
    """The answer for "ads" (P7). Global Privacy Control refuses, whatever was chosen."""
    if request is not None and global_privacy_control(request):
        return False
    if request is None:
        record = latest_record(member)
        if record is not None and record.global_privacy_control:
            return False
    return _from_browser_or_ledger(ADS.key, request=request, member=member)


def ads_personalisation_allowed(request: HttpRequest) -> bool:
    """What an advertising feature asks before choosing ads from a person's browsing (P7)."""
    return consent.given(purposes.P7, request=request)


def audience_measurement_allowed(request: HttpRequest) -> bool:
    """What audience measurement asks before counting anything (P2)."""
    return consent.given(purposes.P2, request=request)


@cache
def _generated_notice_hash() -> str:
    text = render_notice(settings.LANGUAGE_CODE)
    return "notice-sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def _policy_version() -> str | None:
    """The policy version in force, as the policies app names it, if it has one."""
    policies = importlib.import_module("petite.policies")
    current_version = getattr(policies, "current_version", None)
    if callable(current_version):
        version = current_version()
        return None if version is None else str(version)[:80]
    try:
        policy_selectors = importlib.import_module("petite.policies.selectors")
    except ImportError:
        return None
    current = getattr(policy_selectors, "current", None)
    version = current() if callable(current) else None
    number = getattr(version, "number", None)
    content_hash = getattr(version, "content_hash", None)
    if number is None or not content_hash:
        return None
    return f"policy-{number}:sha256:{str(content_hash)[:16]}"


def notice_version() -> str:
    """The version of the privacy notice a choice is made under.

    The published policy version in force when the policies app has one
    (``petite.policies.current_version()``, or its ``selectors.current()``);
    before any version is published, a hash of the generated notice, which
    identifies the text just as well (the notice is generated from code: same
    code, same text).
    """
    return _policy_version() or _generated_notice_hash()
