"""What the data-request desk asks of the apps that own a right's machinery.

The desk (``petite.datarequests``) answers requests that arrive by e-mail or
from staff: it starts the same export a member starts from "Your data", and
closes an account as the member would. Those live in other apps (``rights``,
``accounts``), which the desk may not import. Each registers its function here
from its ``AppConfig.ready()``; the desk calls through this module. A right
nobody provides is refused, never silently skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from petite.core.errors import ActionRefused

ExportStarter = Callable[..., Any]
AccountCloser = Callable[..., Any]

_providers: dict[str, Callable[..., Any]] = {}


def provide_export(fn: ExportStarter) -> None:
    """``fn(*, member, requested_by_staff)`` starts a complete export and returns it."""
    _providers["export"] = fn


def provide_account_deletion(fn: AccountCloser) -> None:
    """``fn(*, member, immediate, actor)`` closes the member's account."""
    _providers["account_deletion"] = fn


def _provider(name: str) -> Callable[..., Any]:
    fn = _providers.get(name)
    if fn is None:
        raise ActionRefused(f"No installed app provides {name!r}.", code="privacy.not_provided")
    return fn


def start_export(*, member: Any, requested_by_staff: Any) -> Any:
    return _provider("export")(member=member, requested_by_staff=requested_by_staff)


def delete_account(*, member: Any, immediate: bool, actor: Any) -> Any:
    return _provider("account_deletion")(member=member, immediate=immediate, actor=actor)
