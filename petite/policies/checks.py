"""System check of policy versions (``manage.py check``).

policies.W001  the notice the code generates differs from the latest published
               version: a new version must be published (with 15 days' notice)

The check reads the database, unlike most checks: a changed notice is a fact
about the code *and* what was published. It stays silent when there is nothing
to compare with (no database, tables not migrated yet, no version recorded yet:
a fresh database), so ``check --fail-level WARNING`` passes on a fresh test or
``make run`` database. See docs/adr/0007-policy-versions-and-notice.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from django.core import checks
from django.db import DatabaseError, connection, transaction

from . import selectors, snapshot

W001 = "policies.W001"


@checks.register("policies")
def check_notice_published(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if app_configs is not None and not any(c.name == "petite.policies" for c in app_configs):
        return []
    # Inside a transaction (a test), a savepoint keeps a failed query from spoiling it
    # on PostgreSQL; outside one, no transaction (SQLite's would take the write lock).
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            latest = selectors.latest_published()
            waiting = selectors.draft()
    except DatabaseError:
        return []
    if latest is None:
        return []
    taken = snapshot.take()
    if taken.content_hash == latest.content_hash:
        return []
    where = "/back-office/policies/policyversion/"
    hint = (
        f"A draft is ready: write its summary of changes and publish it at {where}."
        if waiting is not None and waiting.content_hash == taken.content_hash
        else "Run `manage.py prepare_policy_draft` (the scheduler does it every hour), "
        f"then write its summary of changes and publish it at {where}."
    )
    return [
        checks.Warning(
            f"The privacy notice the code generates differs from policy version {latest.number}, "
            "the latest published: members have not been told about the change.",
            hint=hint + " Members get at least 15 days' notice before it takes effect.",
            id=W001,
        )
    ]
