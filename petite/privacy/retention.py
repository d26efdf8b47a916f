"""The retention engine: delete what has outlived its declared period (R1.2).

It reads only the registry. Rows about a member under a legal hold
(:mod:`petite.privacy.holds`) are skipped until the hold lifts. Every declaration whose effective retention has a
fixed period (``Declaration.retention.days``) and a ``Privacy.timestamp``
loses its rows older than that period. Rows go in batches of primary keys,
each batch in its own transaction: a crash or a restart loses no work, and the
next run simply carries on with what is left. Adding a model with such a
declaration makes it purged with no change here.

Files too: every file store declared to :mod:`petite.privacy.stores` with a
retention of its own loses its files older than that (by their modification
time), counted under ``"files:<store key>"``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from petite.core import audit

from . import holds, registry, stores
from .declarations import Declaration

BATCH_SIZE = 1000
AUDIT_ACTION = "privacy.retention_purge"


@dataclass(frozen=True)
class Expiry:
    """One declared model whose rows expire after a fixed period."""

    declaration: Declaration
    days: int
    cutoff: date | datetime
    held: frozenset[Any] = frozenset()

    @property
    def label(self) -> str:
        return self.declaration.label

    def expired(self) -> QuerySet[Any]:
        lookup = f"{self.declaration.timestamp}__lt"
        # The base manager: a custom default manager must not hide rows from the purge.
        rows = self.declaration.model._base_manager.filter(**{lookup: self.cutoff})
        subject = self.declaration.subject
        if self.held and subject is not None:
            # Frozen by a legal hold: the rows of held members wait for it to lift.
            rows = rows.exclude(**{"pk__in" if subject == "" else f"{subject}__in": self.held})
        return rows


def cutoff(declaration: Declaration, days: int, now: datetime) -> date | datetime:
    """The moment before which a row is expired, as a date for a DateField
    (a daily count is expired once its whole day is older than the period)."""
    assert declaration.timestamp is not None
    field = declaration.model._meta.get_field(declaration.timestamp)
    if isinstance(field, models.DateTimeField):
        return now - timedelta(days=days)
    return timezone.localdate(now) - timedelta(days=days)


def expiries(now: datetime | None = None) -> list[Expiry]:
    """Every declared model with a fixed retention period, in registry order."""
    now = now or timezone.now()
    held = frozenset(holds.held_member_ids())
    found = []
    for declaration in registry.declarations():
        days = declaration.retention.days
        if days is None or not declaration.timestamp:
            continue
        found.append(Expiry(declaration, days, cutoff(declaration, days, now), held))
    return found


def purge_expired(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE, dry_run: bool = False
) -> dict[str, int]:
    """Delete every expired row; return how many rows went, per model label.

    The counts include rows deleted with them by ``on_delete=CASCADE``. With
    ``dry_run``, nothing is deleted or recorded and the counts say what would go.
    """
    counts: Counter[str] = Counter()
    for expiry in expiries(now):
        counts[expiry.label] += 0  # every model checked appears in the report
        if dry_run:
            counts[expiry.label] += expiry.expired().count()
        else:
            counts.update(_delete_in_batches(expiry.expired(), batch_size))
    counts.update(_purge_files(now or timezone.now(), dry_run=dry_run))
    result = dict(sorted(counts.items()))
    if not dry_run:
        # Counts only: the audit trail never repeats the personal data it removed.
        audit.record(AUDIT_ACTION, counts=result)
    return result


def _delete_in_batches(expired: QuerySet[Any], batch_size: int) -> Counter[str]:
    deleted: Counter[str] = Counter()
    while True:
        with transaction.atomic():
            pks = list(expired.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not pks:
                break
            per_model = _delete_batch(expired.model, pks)
        deleted.update(per_model)
        if len(pks) < batch_size:
            break
    return deleted


def _delete_batch(model: type[models.Model], pks: list[Any]) -> dict[str, int]:
    _total, per_model = model._base_manager.filter(pk__in=pks).delete()
    return per_model


def _purge_files(now: datetime, *, dry_run: bool) -> Counter[str]:
    deleted: Counter[str] = Counter()
    for store in stores.file_stores():
        if store.days is None:
            continue
        label = f"files:{store.key}"
        deleted[label] += 0
        expired = stores.expired_files(store, now)
        if not dry_run:
            storage = stores.storage_of(store)
            for name in expired:
                storage.delete(name)
        deleted[label] += len(expired)
    return deleted
