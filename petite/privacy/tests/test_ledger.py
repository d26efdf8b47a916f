"""The erasure ledger: salted hashes only, and replayed after a restore (issue 11)."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from petite.accounts.models import Member
from petite.privacy import erasure, ledger
from petite.privacy.models import ErasureLedgerEntry

from .population import BRUNO, OTTILIE, populate


@pytest.mark.django_db
def test_an_erasure_writes_hashes_only_to_the_ledger() -> None:
    populated = populate(OTTILIE)
    member_pk = populated.member.pk

    erasure.erase_member(member=populated.member, reason="test")

    entry = ErasureLedgerEntry.objects.get()
    assert entry.member_hash == erasure.member_hash(member_pk)
    assert entry.email_hash == erasure.email_hash(OTTILIE.email)
    values = " ".join([entry.member_hash, entry.email_hash])
    assert OTTILIE.email not in values


@pytest.mark.django_db
def test_replaying_entries_a_restored_database_lacks_erases_the_member_again() -> None:
    # The restored database still holds Ottilie, erased after the backup was taken:
    # the live ledger's entries are all that is left of that erasure.
    ottilie = populate(OTTILIE).member
    bruno = populate(BRUNO).member
    saved = [
        {
            "member_hash": erasure.member_hash(ottilie.pk),
            "email_hash": erasure.email_hash(ottilie.email),
            "erased_at": str(timezone.now()),
        }
    ]

    missing = ledger.merge(saved)
    erased = ledger.replay(missing)

    assert erased == 1
    assert not Member.objects.filter(pk=ottilie.pk).exists()
    assert Member.objects.filter(pk=bruno.pk).exists()
    assert ledger.merge(saved) == []  # already there: nothing written twice


@pytest.mark.django_db(transaction=True)
def test_back_up_erase_restore_replay_and_the_member_is_gone(tmp_path: Path) -> None:
    """The backup holds the member; after the restore they would be back, but the
    ledger (kept across the restore) erases them again. SQLite and PostgreSQL
    (pg_dump / pg_restore) alike."""
    ottilie = populate(OTTILIE).member
    bruno = populate(BRUNO).member
    backup = tmp_path / "backup"

    call_command("backup", str(backup), stdout=io.StringIO())
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    erasure.erase_member(member=ottilie, reason="test")
    out = io.StringIO()
    call_command("restore", str(backup), stdout=out)

    assert "erased again after the ledger: 1" in out.getvalue()
    assert not Member.objects.filter(email__iexact=OTTILIE.email).exists()
    assert Member.objects.filter(pk=bruno.pk).exists()
    assert ErasureLedgerEntry.objects.filter(member_hash=erasure.member_hash(ottilie.pk)).exists()
