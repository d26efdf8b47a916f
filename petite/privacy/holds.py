"""Legal holds (S5): members whose data must be frozen, not erased, for a while.

The privacy core knows no app that places holds. An app that does registers, from
its ``AppConfig.ready()``, a function that returns the primary keys of the members
it holds now::

    holds.provide(lambda: LegalHold.objects.active().values_list("member_id", flat=True))

The erasure engine asks :func:`is_held` before erasing anyone (a held member's
erasure waits, with a receipt that says so); the retention engine skips every row
whose subject is held. When a hold lifts, the next run of either simply finds the
member free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

HeldMembers = Callable[[], Iterable[Any]]

_providers: list[HeldMembers] = []


def provide(fn: HeldMembers) -> HeldMembers:
    """Register ``fn() -> primary keys of the members held now``."""
    if fn not in _providers:
        _providers.append(fn)
    return fn


def held_member_ids() -> set[Any]:
    found: set[Any] = set()
    for provider in _providers:
        found.update(provider())
    return found


def is_held(member: Any) -> bool:
    return member.pk is not None and member.pk in held_member_ids()
