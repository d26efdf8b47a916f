"""``manage.py backup [PATH]``: a consistent copy of the database (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from petite.privacy import backups


class Command(BaseCommand):
    help = "Back up the database (SQLite: online backup; PostgreSQL: pg_dump), written 0600."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="Default: PETITE_BACKUP_DIR.")

    def handle(self, *args: Any, path: Path | None, **options: Any) -> None:
        try:
            written = backups.backup(path or backups.default_path())
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {written}")
