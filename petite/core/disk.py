"""What deleted data leaves on disk, and how the platform removes it.

A deleted row is not gone from the disk by itself: SQLite leaves freed pages and
cells as they were, and its write-ahead log (``-wal``) keeps every page image
written since the last checkpoint; PostgreSQL keeps dead row versions in the table
until a VACUUM reclaims them. After an erasure (petite.privacy.erasure) the
platform therefore:

- on SQLite, runs every connection with ``PRAGMA secure_delete=ON`` (settings'
  ``init_command``: freed content is overwritten with zeros) and checkpoints the
  log with ``wal_checkpoint(TRUNCATE)``, which copies the pages into the database
  and empties the ``-wal`` file;
- on PostgreSQL, vacuums the tables the erasure touched, after the commit and
  outside any transaction (VACUUM cannot run inside one), from a task.

What stays in backups and in archived WAL is said in docs/operations.md.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.db import connections

logger = logging.getLogger(__name__)

# Files the platform writes hold personal data: its own user reads them, nobody else.
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIRECTORY_MODE = 0o700


def vendor(using: str = "default") -> str:
    return connections[using].vendor


def secure_delete_enabled(using: str = "default") -> bool:
    """True when the SQLite connection overwrites deleted content (always True elsewhere)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        row = cursor.fetchone()
    return bool(row and row[0])


def checkpoint(using: str = "default") -> tuple[int, int, int] | None:
    """Copy SQLite's write-ahead log into the database and truncate it to zero bytes.

    Returns SQLite's (busy, log pages, checkpointed pages), or None on another
    database. ``busy`` is 1 when a reader still held an old snapshot: the log could
    not be emptied this time, and the next checkpoint (the next erasure, or SQLite's
    own automatic ones) finishes the job; it is logged, never ignored silently.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return None
    if connection.in_atomic_block:
        # A checkpoint inside a transaction cannot copy its own uncommitted pages.
        logger.info("WAL checkpoint deferred: a transaction is open")
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row = cursor.fetchone()
    result = (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)
    if result[0]:
        logger.warning("WAL checkpoint after an erasure was busy: the log keeps old pages")
    return result


def vacuum(tables: Iterable[str], using: str = "default") -> list[str]:
    """VACUUM each PostgreSQL table in ``tables`` (outside any transaction); returns
    the tables vacuumed. On SQLite, secure_delete and the checkpoint do this work."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    if connection.in_atomic_block:
        raise RuntimeError("VACUUM cannot run inside a transaction")
    existing = set(connection.introspection.table_names())
    done: list[str] = []
    with connection.cursor() as cursor:
        for table in sorted(set(tables)):
            if table not in existing:
                continue
            cursor.execute("VACUUM " + connection.ops.quote_name(table))
            done.append(table)
    return done


def private_file(path: str | os.PathLike[str], mode: str = "wb", **kwargs: Any) -> IO[Any]:
    """Open ``path`` for writing, created 0600 whatever the process's umask."""
    flags = (
        (os.O_RDWR if "+" in mode else os.O_WRONLY)
        | os.O_CREAT
        | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    )
    descriptor = os.open(path, flags, PRIVATE_FILE_MODE)
    # An existing file keeps its mode on open: tighten it too.
    os.fchmod(descriptor, PRIVATE_FILE_MODE)
    return os.fdopen(descriptor, mode, **kwargs)


def private_directory(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` (and parents) readable by the platform's user only."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIRECTORY_MODE)
    return folder
