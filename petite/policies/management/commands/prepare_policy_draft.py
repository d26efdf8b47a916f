from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from petite.policies import actions

MESSAGES = {
    "unchanged": "The notice matches the latest published version (or its draft): nothing to do.",
    "initial": "No version was recorded: the notice in force is now version 1.",
    "created": "The notice changed: a draft version was prepared for staff to publish.",
    "updated": "The notice changed again: the draft now holds the new text.",
    "discarded": "The notice is back to the published text: the draft was discarded.",
}


class Command(BaseCommand):
    help = (
        "Compare the notice the code generates with the latest published policy version and "
        "prepare a draft for staff when they differ (idempotent; the scheduler runs it hourly)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; fail if the notice differs from the latest published version.",
        )

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        if check:
            from petite.policies import selectors, snapshot

            latest = selectors.latest_published()
            if latest is not None and latest.content_hash != snapshot.take().content_hash:
                raise CommandError(
                    f"The notice differs from policy version {latest.number}: publish a new version."
                )
            self.stdout.write("The notice matches the latest published version.")
            return
        result = actions.prepare_draft()
        self.stdout.write(MESSAGES[result.outcome])
