"""Re-encrypt every encrypted field with the newest key of PETITE_FIELD_KEYS."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from petite.core import crypto, rotation


class Command(BaseCommand):
    help = (
        "Re-encrypt every EncryptedTextField with the newest key of PETITE_FIELD_KEYS. "
        "Safe to interrupt and run again: each batch commits on its own and rows "
        "already under the newest key are skipped. Remove an old key only after a run "
        "that reports 0 rotated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows per transaction (default 500)."
        )

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")

        def progress(report: rotation.RotationReport) -> None:
            self.stdout.write(
                f"{report.model}: batch {report.batches}, {report.rows} rows read, "
                f"{report.rotated} re-encrypted"
            )

        try:
            reports = rotation.rotate_all(batch_size=batch_size, progress=progress)
        except crypto.DecryptionError as error:
            raise CommandError(str(error)) from None
        rotated = sum(r.rotated for r in reports)
        for report in reports:
            self.stdout.write(
                f"{report.model} ({', '.join(report.fields)}): {report.rows} rows with a value, "
                f"{report.rotated} re-encrypted, {report.already_current} already current."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Done: {rotated} rows re-encrypted with the newest key.")
        )
