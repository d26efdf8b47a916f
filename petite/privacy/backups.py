"""Backups of the database, and restores that cannot bring an erased member back.

SQLite: SQLite's online backup API (a consistent copy while the platform runs).
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean``, found through
``PETITE_PG_DUMP`` / ``PETITE_PG_RESTORE``, beside the running Python, on PATH or in
``~/.local/bin`` (:func:`petite.core.tools.find`), with a clear error otherwise.

A restore saves the live erasure ledger first, restores, migrates, writes back the
ledger entries the backup lacked and erases again everyone they name
(:mod:`petite.privacy.ledger`). docs/operations.md says how to use them.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connections
from django.utils import timezone

from petite.core import disk, tools

from . import ledger


class BackupError(Exception):
    pass


def _settings(using: str) -> dict[str, Any]:
    return connections[using].settings_dict


def _pg_tool(name: str) -> str:
    found = tools.find(name, env=f"PETITE_{name.upper()}")
    if found is None:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client tools "
            f"(apt-get install postgresql-client) or set PETITE_{name.upper()} to its path."
        )
    return found


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {"PGPASSWORD": str(db["PASSWORD"])} if db.get("PASSWORD") else {}
    return args, env


def default_path(using: str = "default") -> Path:
    suffix = "sqlite3" if connections[using].vendor == "sqlite" else "dump"
    folder = disk.private_directory(settings.PETITE_BACKUP_DIR)
    return folder / f"petite-{timezone.now():%Y%m%dT%H%M%S}.{suffix}"


def backup(target: Path, using: str = "default") -> Path:
    connection = connections[using]
    disk.private_directory(target.parent)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        disk.private_file(target, "wb").close()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target
    if connection.vendor == "postgresql":
        args, env = _pg_env(_settings(using))
        disk.private_file(target, "wb").close()
        _run([_pg_tool("pg_dump"), "--format=custom", "--file", str(target), *args], env)
        return target
    raise BackupError(f"No backup method for the {connection.vendor} database")


def restore(source: Path, using: str = "default") -> int:
    """Restore ``source``, then replay the ledger; returns how many members were erased again."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    try:
        saved = ledger.entries()
    except DatabaseError:
        saved = []  # no live database (a disaster): the backup's own ledger is all there is
    connection = connections[using]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env(_settings(using))
        connection.close()
        _run(
            [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", *args, str(source)],
            env,
        )
    else:
        raise BackupError(f"No restore method for the {connection.vendor} database")
    connection.close()
    call_command("migrate", interactive=False, verbosity=0, database=using)
    return ledger.replay(ledger.merge(saved))


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 (a found tool, fixed arguments)
        command, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:500]}")
