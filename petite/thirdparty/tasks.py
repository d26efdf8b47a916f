"""Background work of the third-party apps."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from petite.core import schedule

from . import actions


@schedule.every(timedelta(days=1))
@task
def clear_expired_tokens() -> dict[str, int]:
    """Delete expired codes and tokens, and the authorisations nothing can use any more."""
    return actions.clear_expired_tokens()
