"""Erased means gone from the disk, not only from the tables (issue 11, finding 6).

A deleted row leaves its bytes behind: in SQLite's freed pages and its write-ahead
log, in PostgreSQL's dead row versions. The erasure clears them (petite/core/disk.py):
these tests read the files themselves.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from petite.accounts.models import Member
from petite.core import disk
from petite.privacy import erasure

from .population import OTTILIE, populate

ROOT = Path(settings.BASE_DIR)

# Run in a fresh process on a file database of its own (the suite's is in memory):
# the platform's own code, its own settings, tasks run at once.
POPULATE = """
from petite.privacy.tests.population import OTTILIE, populate
from django.core.mail import send_mail
from petite.rights import actions as rights
populated = populate(OTTILIE)
send_mail("Hello", "A message to " + OTTILIE.first_name, None, [OTTILIE.email])
rights.start_export(member=populated.member)
"""
ERASE_NOW = """
import sys
from petite.accounts import actions
from petite.accounts.models import Member
member = Member.objects.get(email__iexact=sys.argv[-1])
actions.request_account_deletion(member=member, immediate=True)
assert not Member.objects.filter(email__iexact=sys.argv[-1]).exists()
"""


def _platform(tmp_path: Path, code: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        PETITE_VAR_DIR=str(tmp_path / "var"),
        PETITE_TASK_BACKEND="django.tasks.backends.immediate.ImmediateBackend",
        # The file mailer stands in for the SMTP server: the deletion confirmation is
        # sent to the erased address on purpose, so the outbox is not under var/.
        PETITE_MAIL_DIR=str(tmp_path / "outbox"),
        PETITE_EMAIL="file",
    )
    script = tmp_path / "script.py"
    script.write_text(code)
    script.chmod(0o600)
    # Our own interpreter and script: nothing comes from outside.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _RUNNER, str(script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        # A permissive shell: the platform must make its files private by itself.
        umask=0o022,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


_RUNNER = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
exec(open(sys.argv[1]).read())
"""


def _files_holding(root: Path, needles: list[bytes]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        hits = [n.decode() for n in needles if n.lower() in data.lower()]
        if hits:
            found[str(path.relative_to(root))] = hits
    return found


@dataclass
class ErasedOnDisk:
    root: Path
    before: dict[str, list[str]]
    after: dict[str, list[str]]
    wal_size: int
    needles: list[bytes]
    # Files (and folders) anyone but the platform's user could read, before the erasure.
    loose: dict[str, str]
    exports: list[str]

    @property
    def var(self) -> Path:
        return self.root / "var"


@pytest.fixture(scope="module")
def erased_on_disk(tmp_path_factory: pytest.TempPathFactory) -> ErasedOnDisk:
    """A platform on its own SQLite file: a member uses it, then erases their account
    at once ("Now: this cannot be undone")."""
    root = tmp_path_factory.mktemp("platform")
    person = OTTILIE
    needles = [
        s.encode() for s in (person.email, person.work_email, person.first_name, person.last_name)
    ]
    _platform(root, POPULATE)
    before = _files_holding(root / "var", needles)
    loose = {
        str(p.relative_to(root)): oct(stat.S_IMODE(p.stat().st_mode))
        for p in root.rglob("*")
        if stat.S_IMODE(p.stat().st_mode) & 0o077 and p.name != "script.py"
    }
    exports = [p.name for p in (root / "var" / "exports").glob("*.zip")]
    # The web server and the task worker keep their connections open: the last one
    # to close would checkpoint and remove the log by itself, hiding what stays in it.
    with closing(sqlite3.connect(root / "var" / "petite.sqlite3")) as web_server:
        web_server.execute("SELECT count(*) FROM sqlite_master").fetchall()
        _platform(root, ERASE_NOW, person.email)
        after = _files_holding(root / "var", needles)
        wal = root / "var" / "petite.sqlite3-wal"
        wal_size = wal.stat().st_size if wal.exists() else 0
    return ErasedOnDisk(
        root=root,
        before=before,
        after=after,
        wal_size=wal_size,
        needles=needles,
        loose=loose,
        exports=exports,
    )


def test_finding_6_erased_data_stays_on_disk(erased_on_disk: ErasedOnDisk) -> None:
    """Erase a member immediately: their e-mail and names are in no file under var/,
    the database, its -wal and -shm included; before the erasure they were there."""
    # The test proves something only if the data was on disk to begin with.
    assert any(name.startswith("petite.sqlite3") for name in erased_on_disk.before)

    assert erased_on_disk.after == {}
    assert erased_on_disk.wal_size == 0
    # And once every connection has closed.
    assert _files_holding(erased_on_disk.var, erased_on_disk.needles) == {}


def test_finding_6_export_zips_and_platform_files_are_world_readable(
    erased_on_disk: ErasedOnDisk,
) -> None:
    """The database, its log, the export ZIP, the mail files and every other file
    under var/ are created 0600 (folders 0700), even from a shell whose umask is 022."""
    assert erased_on_disk.exports, "the export was built"
    assert erased_on_disk.loose == {}
    assert any((erased_on_disk.root / "outbox").iterdir())


@pytest.mark.django_db
def test_every_sqlite_connection_overwrites_deleted_content() -> None:
    # True on PostgreSQL too, where VACUUM does this work (test below).
    assert disk.secure_delete_enabled()


@pytest.mark.postgresql  # SQLite's residue is proven by the file test above
@pytest.mark.django_db(transaction=True)
def test_finding_6_postgresql_rows_gone_and_touched_tables_vacuumed(settings: Any) -> None:
    """On PostgreSQL: after an erasure, its rows are gone and the tables it touched
    have been vacuumed (after the commit, by the task)."""
    populated = populate(OTTILIE)
    member = populated.member

    def vacuums(table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = %s", [table]
            )
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    tables = ["accounts_member", "portraits_portrait", "account_emailaddress"]
    before = {t: vacuums(t) for t in tables}
    receipt = erasure.erase_member(member=member, reason="test")

    assert receipt.status == receipt.Status.VERIFIED
    touched = erasure.touched_tables(receipt.outcome)
    assert set(tables) <= set(touched)
    for table in tables:
        assert vacuums(table) > before[table], table
    assert not Member.objects.filter(pk=member.pk).exists()
