"""``manage.py restore PATH``: restore a backup, then erase again whoever the erasure
ledger says was erased after it was taken (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from petite.privacy import backups


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` and replay the erasure ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            erased = backups.restore(path)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {path}; erased again after the ledger: {erased}")
