"""Bulk e-mail with one message per member: policy notices (E3), campaigns (P10).

A sending is a set of :class:`~petite.core.models.Delivery` rows, one per member,
made by :func:`plan` (re-planning adds only the missing members: the rows'
unique constraint says who already has one). :func:`send_due` then works
through them in batches:

1. it *claims* a batch (status ``sending`` + claim time) in one short
   transaction, so two workers never take the same row;
2. it sends each message over one mailer connection and marks each row ``sent``
   right after the mail server accepted it, so a crash loses at most the message
   in flight;
3. a claim older than the lease belongs to a crashed worker and is taken again,
   and a failure is retried with exponential back-off, then left ``failed`` for
   staff.

Each message carries a Message-ID derived from its delivery, so the rare
message that a crash makes us send twice (accepted by the server, crash before
the row was marked) is one message to the member's mail client. The app that
owns a sending enqueues its batch task again while :attr:`Progress.due`, and a
periodic job re-enqueues sendings left behind by a restart. docs/adr/0015.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, connections, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import Delivery

Status = Delivery.Status


@dataclass(frozen=True)
class Progress:
    """Where a sending stands: counts by state, and how many can be tried now."""

    total: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    waiting: int = 0  # pending (including failures waiting for their next attempt) or claimed
    due: int = 0  # of those, how many a worker may take now

    @property
    def done(self) -> bool:
        return self.waiting == 0

    @property
    def percent(self) -> int:
        if not self.total:
            return 100
        return int(100 * (self.total - self.waiting) / self.total)


def lease() -> timedelta:
    return timedelta(seconds=settings.PETITE_BULKMAIL_LEASE_SECONDS)


def due_filter(now: datetime) -> Q:
    """Rows a worker may take at ``now``: pending whose back-off has passed, or
    claimed by a worker whose lease expired (it crashed)."""
    pending = Q(status=Status.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=Status.SENDING, claimed_at__lt=now - lease())
    return pending | abandoned


def plan[D: Delivery](
    deliveries: QuerySet[D], *, members: QuerySet[Any], batch_size: int = 1000, **fields: Any
) -> int:
    """Make one pending delivery per member in ``members``; return how many were new.

    ``fields`` go on every new row (``version=version``). Rows that exist are left
    alone (``ignore_conflicts`` on the model's unique constraint), so planning
    again after a crash or for late sign-ups adds only the missing members.
    """
    model = deliveries.model
    before = deliveries.count()
    ids = members.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=batch_size)
    batch: list[D] = []
    for member_id in ids:
        batch.append(model(member_id=member_id, **fields))
        if len(batch) >= batch_size:
            model._default_manager.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        model._default_manager.bulk_create(batch, ignore_conflicts=True)
    return deliveries.count() - before


def progress(deliveries: QuerySet[Any], *, now: datetime | None = None) -> Progress:
    now = now or timezone.now()
    counts = deliveries.aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=Status.SENT)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        skipped=Count("pk", filter=Q(status=Status.SKIPPED)),
        waiting=Count("pk", filter=Q(status__in=[Status.PENDING, Status.SENDING])),
        due=Count("pk", filter=due_filter(now)),
    )
    return Progress(**counts)


def _claim[D: Delivery](deliveries: QuerySet[D], *, now: datetime, limit: int) -> list[D]:
    with transaction.atomic():
        due = deliveries.filter(due_filter(now)).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        deliveries.model._default_manager.filter(pk__in=ids).update(
            status=Status.SENDING, claimed_at=now
        )
    return list(
        deliveries.model._default_manager.filter(pk__in=ids).select_related("member").order_by("pk")
    )


def _describe(error: Exception) -> str:
    """The error's kind, never its text (which may quote an address)."""
    code = getattr(error, "smtp_code", None)
    name = type(error).__name__
    return f"{name} {code}" if code else name


def _permanent(error: Exception) -> bool:
    """A 5xx answer to the recipient will not change by trying again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def message_id(delivery: Delivery) -> str:
    domain = settings.PETITE_BULKMAIL_MESSAGE_ID_DOMAIN
    return f"<{delivery._meta.label_lower}.{delivery.pk}@{domain}>"


def send_due[D: Delivery](
    deliveries: QuerySet[D],
    *,
    build: Callable[[D], EmailMessage | None],
    batch_size: int | None = None,
) -> Progress:
    """Send one batch of the due deliveries in ``deliveries``; return the progress after it.

    ``build(delivery)`` makes the member's message, or returns None when it must
    not go (the member can no longer be e-mailed, withdrew consent): the row is
    then ``skipped``. It is called at sending time, so it sees consent as it is now.
    """
    now = timezone.now()
    claimed = _claim(deliveries, now=now, limit=batch_size or settings.PETITE_BULKMAIL_BATCH_SIZE)
    if claimed:
        manager = deliveries.model._default_manager
        mark_sent = _marker(deliveries)
        mailer = mail.mailers[settings.PETITE_BULKMAIL_MAILER]
        with mailer, _marks_without_waiting_for_the_disk(deliveries.db):
            for delivery in claimed:
                message = build(delivery)
                if message is None:
                    manager.filter(pk=delivery.pk).update(status=Status.SKIPPED, claimed_at=None)
                    continue
                message.extra_headers.setdefault("Message-ID", message_id(delivery))
                try:
                    mailer.send_messages([message])
                except Exception as error:
                    _record_failure(manager, delivery, error)
                else:
                    mark_sent(delivery.pk)
    return progress(deliveries)


@contextmanager
def _marks_without_waiting_for_the_disk(alias: str) -> Iterator[None]:
    """On PostgreSQL, let the marks of a batch commit without waiting for their WAL
    to reach the disk (``synchronous_commit = off``): one flush per message would
    cost more than sending it. A killed worker loses nothing (the server has the
    commit); only a crash of the database server itself can forget the last
    fraction of a second of marks, whose messages are then sent again, never lost
    (ADR 0015)."""
    db = connections[alias]
    if db.vendor != "postgresql" or db.in_atomic_block:
        yield
        return
    with db.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with db.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _marker(deliveries: QuerySet[Any]) -> Callable[[Any], None]:
    """One prepared UPDATE that marks a delivery sent. It runs once per message, right
    after the server accepted it: the ORM's query building would cost more than the
    statement itself."""
    model = deliveries.model
    db = connections[deliveries.db]
    quote = db.ops.quote_name

    def column(name: str) -> str:
        return quote(model._meta.get_field(name).column)

    # Only quoted names from the model's own options; every value is a parameter.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {column('status')} = %s,"  # noqa: S608
        f" {column('sent_at')} = %s, {column('claimed_at')} = NULL, {column('error')} = ''"
        f" WHERE {quote(model._meta.pk.column)} = %s"
    )

    def mark_sent(pk: Any) -> None:
        with db.cursor() as cursor:
            cursor.execute(
                sql, [Status.SENT.value, db.ops.adapt_datetimefield_value(timezone.now()), pk]
            )

    return mark_sent


def _record_failure(manager: Any, delivery: Delivery, error: Exception) -> None:
    attempts = delivery.attempts + 1
    final = _permanent(error) or attempts >= settings.PETITE_BULKMAIL_MAX_ATTEMPTS
    backoff = timedelta(seconds=settings.PETITE_BULKMAIL_RETRY_SECONDS * 2 ** (attempts - 1))
    manager.filter(pk=delivery.pk).update(
        status=Status.FAILED if final else Status.PENDING,
        attempts=attempts,
        next_attempt_at=None if final else timezone.now() + backoff,
        claimed_at=None,
        error=_describe(error)[:200],
    )
