"""Security tests: side effects deferred to commit run when the action returns."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import transaction


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each test runs inside one transaction that never commits: run the callbacks
    # (alert e-mails, staff messages, notice sendings) as soon as they are registered,
    # as a real commit would right after the action.
    def run_now(func: Callable[[], Any], using: str | None = None, robust: bool = False) -> None:
        func()

    monkeypatch.setattr(transaction, "on_commit", run_now)


Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
