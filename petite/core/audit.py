"""Recording accountable actions. Called from actions, never from views.

Every event name is declared: each app lists its names in ``events.py``::

    # petite/portraits/events.py
    from petite.core.audit import Events

    class Event(Events):
        PORTRAIT_SAVED = "portraits.portrait_saved"

and records ``audit.record(Event.PORTRAIT_SAVED, actor=..., target=...)``.
A name nobody declared is refused at run time (so every test that reaches a
``record`` call proves its name), and check ``core.E002`` proves names are
unique and shaped ``<app label>.<what happened>``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.checks import CheckMessage, Error
from django.db import models
from django.utils.module_loading import autodiscover_modules

from .models import AuditEvent

_NAME = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_.]*$")


class Events(StrEnum):
    """Base of every app's audit event names (a subclass per app, in ``events.py``)."""


def declared() -> dict[str, type[Events]]:
    """Every declared event name, and the enum that declares it."""
    autodiscover_modules("events")
    names: dict[str, type[Events]] = {}
    pending = list(Events.__subclasses__())
    while pending:
        enum = pending.pop()
        pending.extend(enum.__subclasses__())
        for member in enum:
            names.setdefault(member.value, enum)
    return names


_known: set[str] = set()
# TODO(shape): True once every app's audit.record() call names a declared event
# (issue 10); until then undeclared strings are still accepted.
STRICT = False


def _is_declared(action: str) -> bool:
    if action not in _known:
        _known.update(declared())
    return action in _known


def record(
    action: Events | str,
    *,
    actor: AbstractBaseUser | None = None,
    target: models.Model | None = None,
    **data: Any,
) -> AuditEvent:
    if STRICT and not isinstance(action, Events) and not _is_declared(action):
        raise ValueError(f"Audit event {action!r} is not declared in any app's events.py")
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,  # type: ignore[misc]
        action=str(action),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
    )


def check_events(**kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    seen: dict[str, str] = {}
    autodiscover_modules("events")
    pending = list(Events.__subclasses__())
    while pending:
        enum = pending.pop()
        pending.extend(enum.__subclasses__())
        where = f"{enum.__module__}.{enum.__qualname__}"
        for member in enum:
            if not _NAME.match(member.value):
                errors.append(
                    Error(
                        f"Audit event {member.value!r} ({where}) is not shaped "
                        "'<app label>.<what happened>'",
                        id="core.E002",
                    )
                )
            if member.value in seen and seen[member.value] != where:
                errors.append(
                    Error(
                        f"Audit event {member.value!r} is declared twice: "
                        f"{seen[member.value]} and {where}",
                        id="core.E002",
                    )
                )
            seen.setdefault(member.value, where)
    return errors
