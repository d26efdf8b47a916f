"""Follow-up work, deferred by name until the transaction commits.

Actions never import their app's ``tasks`` module (tasks import actions, so the
reverse would be a cycle). An action names the task it needs instead::

    # petite/rights/actions.py
    from petite.core.deferred import follow_up

    build_export = follow_up("petite.rights.tasks.build_export")

    def request_export(*, member: Member) -> Export:
        ...
        build_export.after_commit(export_id=export.pk)

The task is imported when the transaction commits, not at import time.
System check ``core.E001`` proves every named follow-up is a real task.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.checks import CheckMessage, Error
from django.db import transaction
from django.tasks import Task
from django.utils.module_loading import import_string

_follow_ups: dict[str, FollowUp] = {}


@dataclass(frozen=True)
class FollowUp:
    path: str

    def task(self) -> Task:
        found = import_string(self.path)
        if not isinstance(found, Task):
            raise TypeError(f"{self.path} is not a task")
        return found

    def after_commit(self, *args: Any, using: str | None = None, **kwargs: Any) -> None:
        """Enqueue the task once the current transaction commits (now, if none is open)."""
        transaction.on_commit(lambda: self.task().enqueue(*args, **kwargs), using=using)

    def now(self, *args: Any, **kwargs: Any) -> Any:
        """Enqueue it at once (for callers outside any transaction, such as commands)."""
        return self.task().enqueue(*args, **kwargs)


def follow_up(path: str) -> FollowUp:
    """A handle on the task at ``path`` ("petite.<app>.tasks.<name>"), registered for the check."""
    handle = _follow_ups.get(path)
    if handle is None:
        handle = _follow_ups[path] = FollowUp(path)
    return handle


def check_follow_ups(**kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for path, handle in sorted(_follow_ups.items()):
        try:
            handle.task()
        except (ImportError, TypeError) as exc:
            errors.append(
                Error(
                    f"Deferred follow-up {path!r} is not a task: {exc}",
                    hint="Name a function decorated with django.tasks' @task.",
                    id="core.E001",
                )
            )
    return errors
