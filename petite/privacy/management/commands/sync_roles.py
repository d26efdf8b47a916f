"""Create the declared staff roles' groups with exactly their declared permissions."""

from typing import Any

from django.core.management.base import BaseCommand

from petite.privacy import roles


class Command(BaseCommand):
    help = "Give each staff role declared in petite/privacy/roles.py its group and permissions."

    def handle(self, *args: Any, **options: Any) -> None:
        for name in roles.sync_groups():
            self.stdout.write(f"Group {name!r}: permissions set to its declaration.")
