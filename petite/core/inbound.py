"""Inbound e-mail, shared: one webhook and one stdin command, several desks.

The data-request desk owns the mail entry points (the anymail webhook and
``manage.py receive_data_request_email``). Any other desk that receives e-mail
(the help desk) registers a handler from its ``AppConfig.ready()``::

    inbound.register(help_desk_handler)

Each message is offered to the handlers in turn before the data-request desk
reads it; the first that returns a :class:`Claimed` keeps it. A handler returns
None for mail that is not for it, and raises :class:`Unreadable` for mail that
is for it but cannot be read (the caller quarantines it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from typing import Protocol


@dataclass(frozen=True)
class Claimed:
    """What a desk did with a message it recognised as its own."""

    outcome: str  # "created", "appended", "duplicate", "ignored", "refused"
    reference: str = ""
    reason: str = ""


class Unreadable(Exception):
    """The message is for this desk but cannot be read; its bytes go to the quarantine."""


class Handler(Protocol):
    def __call__(
        self,
        message: Message,
        *,
        envelope_recipients: Sequence[str],
        received_at: datetime | None,
        spam: bool,
    ) -> Claimed | None: ...


_handlers: list[Callable[..., Claimed | None]] = []


def register(handler: Handler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def dispatch(
    message: Message,
    *,
    envelope_recipients: Sequence[str] = (),
    received_at: datetime | None = None,
    spam: bool = False,
) -> Claimed | None:
    """Offer the message to every registered desk; None when none claims it."""
    for handler in _handlers:
        claimed = handler(
            message, envelope_recipients=envelope_recipients, received_at=received_at, spam=spam
        )
        if claimed is not None:
            return claimed
    return None
