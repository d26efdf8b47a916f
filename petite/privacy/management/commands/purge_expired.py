from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from petite.privacy import retention


class Command(BaseCommand):
    help = (
        "Delete the records that have outlived their declared retention period "
        "(what the daily scheduled task does), and print how many went per model."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would be deleted; delete and record nothing.",
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        counts = retention.purge_expired(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        for label, count in counts.items():
            self.stdout.write(f"{label}: {verb} {count}")
        self.stdout.write(f"total: {verb} {sum(counts.values())}")
