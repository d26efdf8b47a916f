"""Load the demo data of `make run`. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string, module_has_submodule

from petite.accounts.actions import create_member
from petite.accounts.models import Member
from petite.contact.actions import submit_contact_message
from petite.portraits.actions import update_portrait

DEMO_PASSWORD = "demo passphrase for petite"  # noqa: S105 (published in the README on purpose)
DOMAIN = "petite.example"


def demo_address(local_part: str) -> str:
    return local_part + "@" + DOMAIN


class Command(BaseCommand):
    help = "Create the demo members, a Portrait and a contact message (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        alice = self.member("alice", "Alice", "Martin", staff=False)
        self.member("sam", "Sam", "Leroy", staff=True)
        if alice is not None:
            update_portrait(
                member=alice,
                display_name="Alice M.",
                bio="Potter and amateur astronomer.",
                interests="ceramics, night skies, hiking",
                street="12 rue des Lilas",
                postcode="69003",
                city="Lyon",
                country="FR",
            )
            submit_contact_message(
                name="Alice Martin",
                email=alice.email,
                subject="Hello",
                message="Is there a way to export my data?",
                language="en",
                member=alice,
            )
        # Each app may bring its own demo data: a ``demo.py`` with an idempotent
        # ``load(stdout)`` (articles, offers, topics, an OAuth app...).
        for config in apps.get_app_configs():
            if config.name.startswith("petite.") and module_has_submodule(config.module, "demo"):
                import_string(f"{config.name}.demo.load")(self.stdout)
        self.stdout.write(
            f"Demo data ready: {demo_address('alice')} (member) and {demo_address('sam')} (staff),"
            f" password '{DEMO_PASSWORD}'."
        )

    def member(self, local_part: str, first: str, last: str, *, staff: bool) -> Member | None:
        """Create the member unless they exist; return them only when just created."""
        if Member.objects.filter(email=demo_address(local_part)).exists():
            return None
        return create_member(
            email=demo_address(local_part),
            first_name=first,
            last_name=last,
            password=DEMO_PASSWORD,
            verified=True,
            is_staff=staff,
        )
