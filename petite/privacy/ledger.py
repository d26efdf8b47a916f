"""The erasure ledger: who was erased, as salted hashes, replayed after a restore.

A backup restored after an erasure brings the erased member back. Every erasure
therefore adds an entry (the receipt's HMAC of the e-mail address and an HMAC of
the member's id, under ``PETITE_RECEIPT_SALT``) in the erasure's own transaction
(:mod:`petite.privacy.erasure` writes it). ``manage.py restore`` reads the live
ledger before restoring, writes back the entries the backup did not have, and
:func:`replay` erases again every restored member whose hashes match one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from .erasure import email_hash, erase_member, member_hash
from .models import ErasureLedgerEntry

REPLAY_REASON = "Erased again after a backup was restored"


def entries() -> list[dict[str, Any]]:
    """The ledger as plain values, to carry across a restore."""
    return [
        {"email_hash": e.email_hash, "member_hash": e.member_hash, "erased_at": e.erased_at}
        for e in ErasureLedgerEntry.objects.all()
    ]


def merge(saved: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Write back the saved entries the (restored) ledger lacks; returns those."""
    known = set(ErasureLedgerEntry.objects.values_list("member_hash", flat=True))
    missing = [e for e in saved if e["member_hash"] not in known]
    ErasureLedgerEntry.objects.bulk_create(
        ErasureLedgerEntry(
            email_hash=e["email_hash"],
            member_hash=e["member_hash"],
            erased_at=_as_datetime(e["erased_at"]),
        )
        for e in missing
    )
    return missing


def _as_datetime(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def matching_members(selected: Iterable[dict[str, Any]]) -> list[models.Model]:
    """Members whose id or e-mail address hashes to one of the ``selected`` entries."""
    by_member = {e["member_hash"] for e in selected}
    by_email = {e["email_hash"] for e in selected}
    if not by_member:
        return []
    found: list[models.Model] = []
    for member in get_user_model()._base_manager.all().iterator():
        if member_hash(member.pk) in by_member or (
            email_hash(str(getattr(member, "email", "") or "")) in by_email
        ):
            found.append(member)
    return found


def replay(selected: Iterable[dict[str, Any]] | None = None) -> int:
    """Erase again every member matching ``selected`` (default: the whole ledger);
    returns how many were erased."""
    chosen = list(selected) if selected is not None else entries()
    members = matching_members(chosen)
    for member in members:
        erase_member(member=member, reason=REPLAY_REASON)
    return len(members)
