"""The back-office: offers, orders and refunds, receipts, and the dispute queue.

Orders, receipts and cases are read-only here: they change only through the
action pages of ``orders`` (refund) and ``disputes`` (write in a case, change its
status, add evidence),
each of which calls one function of actions.py and leaves an audit record.
"""

from __future__ import annotations

from . import disputes, orders  # noqa: F401  (importing them registers their admins)
