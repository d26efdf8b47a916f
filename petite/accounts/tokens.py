"""Signed, single-use, expiring links for members who may be signed out.

A link carries the member, what it is for, and a random identifier, signed with
the site's key and a salt per purpose; it expires after ``max_age``. Using it
spends it: the identifier's digest is stored (``SpentToken``, unique), so a second
use is refused even when two requests race. Nothing about the member is stored.

Used by the "this wasn't me" links of the e-mail and password change notices;
any app may use it for links of the same kind (give each its own ``purpose``).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.core.errors import ActionRefused

from .models import Member, SpentToken

_SALT = "petite.accounts.tokens."
INVALID = _("This link is not valid.")


def issue(*, member: Member, purpose: str) -> str:
    """A new link token for ``member`` and ``purpose``."""
    payload = {"m": member.pk, "j": secrets.token_urlsafe(16)}
    return signing.dumps(payload, salt=_SALT + purpose, compress=True)


def _read(token: str, *, purpose: str, max_age: timedelta) -> tuple[Member, str]:
    try:
        payload = signing.loads(token, salt=_SALT + purpose, max_age=max_age)
        member_id, identifier = int(payload["m"]), str(payload["j"])
    except signing.SignatureExpired as expired:
        raise ActionRefused(
            _("This link has expired."), code="accounts.link_expired", status=410
        ) from expired
    except (signing.BadSignature, KeyError, TypeError, ValueError) as bad:
        raise ActionRefused(INVALID, code="accounts.link_invalid", status=404) from bad
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        raise ActionRefused(INVALID, code="accounts.link_invalid", status=404)
    return member, identifier


def _digest(identifier: str) -> str:
    return hashlib.sha256(identifier.encode()).hexdigest()


def peek(token: str, *, purpose: str, max_age: timedelta) -> Member:
    """The member a still-usable token is for, without spending it (to show a page)."""
    member, identifier = _read(token, purpose=purpose, max_age=max_age)
    if SpentToken.objects.filter(digest=_digest(identifier)).exists():
        raise ActionRefused(
            _("This link has already been used."), code="accounts.link_used", status=410
        )
    return member


def spend(token: str, *, purpose: str, max_age: timedelta) -> Member:
    """Check ``token`` and spend it; the member it is for. Refused when expired,
    forged, for another purpose, or used before."""
    member, identifier = _read(token, purpose=purpose, max_age=max_age)
    try:
        with transaction.atomic():
            SpentToken.objects.create(digest=_digest(identifier))
    except IntegrityError as used:
        raise ActionRefused(
            _("This link has already been used."), code="accounts.link_used", status=410
        ) from used
    return member


def purge_spent(*, older_than: timedelta) -> int:
    """Forget spent links older than any link can live (they would be refused as expired)."""
    deleted, _counts = SpentToken.objects.filter(spent_at__lt=timezone.now() - older_than).delete()
    return deleted
