"""Reading Portraits."""

from __future__ import annotations

from petite.accounts.models import Member

from .models import Portrait


def portrait_of(member: Member) -> Portrait | None:
    return Portrait.objects.filter(member=member).first()
