"""Demo data: a conversation between the demo members Alice and Sam (idempotent)."""

from __future__ import annotations

from typing import TextIO

from petite.accounts.models import Member

from . import actions, selectors

DOMAIN = "petite.example"


def _demo_member(local_part: str) -> Member | None:
    return Member.objects.filter(email=local_part + "@" + DOMAIN).first()


def load(stdout: TextIO) -> None:
    alice, sam = _demo_member("alice"), _demo_member("sam")
    if alice is None or sam is None or selectors.conversation_between(alice, sam) is not None:
        return
    first = actions.start_conversation(
        author=alice,
        recipient=sam,
        body="Hello Sam! Is the pottery workshop still on for Saturday?",
    )
    actions.send_message(
        author=sam,
        conversation=first.conversation,
        body="Hi! Yes, 10 o'clock at the studio. Bring an apron.",
    )
    actions.start_conversation(author=alice, recipient=sam, body="Perfect, see you there.")
    stdout.write("Messaging: a conversation between Alice and Sam.\n")
