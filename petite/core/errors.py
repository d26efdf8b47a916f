"""The one domain error: an action refused what it was asked, with a reason a person reads.

Actions raise :class:`ActionRefused`; views, admin actions, API handlers and
commands catch it in one place (``petite.core.http.refusal_response`` for pages,
the admin's message for the back-office) and show ``message``. ``code`` is a
stable machine name for tests and APIs (``"payments.amount_too_high"``).
"""

from __future__ import annotations

from django.utils.functional import Promise


class ActionRefused(Exception):
    """What was asked cannot be done; nothing was changed."""

    def __init__(self, message: str | Promise, *, code: str = "refused", status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.code = code
        # The HTTP status a view answers with: 400 bad input, 403 not allowed,
        # 404 not found (for objects the caller may not know exist), 409 conflict,
        # 429 too many, 503 a component we depend on is unavailable.
        self.status = status

    def __str__(self) -> str:
        return str(self.message)
