"""Every write to a Portrait: the owner fills it in, empties fields, or clears it."""

from __future__ import annotations

from django.db import transaction

from petite.accounts.models import Member
from petite.core import audit

from .models import PORTRAIT_FIELDS, Portrait

# Passed for a field the caller does not touch.
_UNCHANGED = None


@transaction.atomic
def update_portrait(
    *,
    member: Member,
    display_name: str | None = _UNCHANGED,
    bio: str | None = _UNCHANGED,
    interests: str | None = _UNCHANGED,
    street: str | None = _UNCHANGED,
    postcode: str | None = _UNCHANGED,
    city: str | None = _UNCHANGED,
    country: str | None = _UNCHANGED,
) -> Portrait | None:
    """Set the given fields of ``member``'s Portrait; "" empties a field, None leaves it.

    A Portrait is created only when there is something to put in it. The audit
    record names the fields that changed, never their values.
    """
    given = {
        "display_name": display_name,
        "bio": bio,
        "interests": interests,
        "street": street,
        "postcode": postcode,
        "city": city,
        "country": country,
    }
    values = {name: value.strip() for name, value in given.items() if value is not None}
    portrait = Portrait.objects.select_for_update().filter(member=member).first()
    if portrait is None:
        if not any(values.values()):
            return None
        portrait = Portrait(member=member)
    changed = [
        name
        for name in PORTRAIT_FIELDS
        if name in values and getattr(portrait, name) != values[name]
    ]
    if not changed and portrait.pk is not None:
        return portrait
    for name in changed:
        setattr(portrait, name, values[name])
    portrait.full_clean()
    created = portrait.pk is None
    portrait.save()
    audit.record(
        "portrait.created" if created else "portrait.updated",
        actor=member,
        target=portrait,
        fields=changed,
        cleared=[name for name in changed if not values[name]],
    )
    return portrait


@transaction.atomic
def clear_portrait(*, member: Member) -> bool:
    """Delete ``member``'s Portrait, address included. False when there was none."""
    portrait = Portrait.objects.select_for_update().filter(member=member).first()
    if portrait is None:
        return False
    audit.record("portrait.cleared", actor=member, target=portrait)
    portrait.delete()
    return True
