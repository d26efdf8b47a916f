"""Key rotation: every encrypted field of every model re-encrypted under the newest
key (SEC1, R1.3), by ``manage.py rotate_field_keys``. See :mod:`petite.core.crypto`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F, Q, TextField, Value

from . import audit, crypto
from .fields import EncryptedTextField


@dataclass
class RotationReport:
    model: str
    fields: list[str]
    rows: int = 0
    rotated: int = 0
    already_current: int = 0
    batches: int = 0


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete model with at least one encrypted field, and those fields."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        found = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedTextField) and f.model is model
        ]
        if found:
            yield model, found


def rotate_model(
    model: type[models.Model],
    fields: list[EncryptedTextField],
    *,
    batch_size: int = 500,
    progress: Callable[[RotationReport], None] | None = None,
) -> RotationReport:
    """Re-encrypt ``fields`` of every row of ``model`` under the newest key.

    Each batch is its own transaction and locks its rows, so a crash loses at
    most one batch of work and never a member's concurrent edit; rows already
    under the newest key are skipped, so running it again resumes where it
    stopped and a second full run changes nothing.
    """
    report = RotationReport(model=model._meta.label, fields=[f.name for f in fields])
    manager = model._default_manager
    # Read the stored tokens, not the decrypted values: a plain TextField
    # output skips EncryptedTextField.from_db_value.
    raw = {
        f"_raw_{f.attname}": ExpressionWrapper(F(f.attname), output_field=TextField())
        for f in fields
    }
    not_empty = Q()
    for f in fields:
        not_empty |= ~Q(**{f"{f.attname}__isnull": True}) & ~Q(**{f.attname: ""})
    last_pk: Any = None
    while True:
        with transaction.atomic(using=manager.db):
            rows = manager.filter(not_empty).order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows.select_for_update().annotate(**raw).values("pk", *raw)[:batch_size])
            if not batch:
                break
            for row in batch:
                changes: dict[str, Any] = {}
                for f in fields:
                    token = row[f"_raw_{f.attname}"]
                    if not token or crypto.is_current(token):
                        continue
                    try:
                        rotated = crypto.rotate(token)
                    except InvalidToken:
                        raise crypto.DecryptionError(
                            f"Cannot rotate {model._meta.label}.{f.name} (row pk={row['pk']}): "
                            "none of the keys in PETITE_FIELD_KEYS opens it. Was a key "
                            "removed before the rotation finished?"
                        ) from None
                    # A Value with a plain TextField output is written as is:
                    # the token must not be encrypted a second time.
                    changes[f.attname] = Value(rotated, output_field=TextField())
                report.rows += 1
                if changes:
                    manager.filter(pk=row["pk"]).update(**changes)
                    report.rotated += 1
                else:
                    report.already_current += 1
            last_pk = batch[-1]["pk"]
            report.batches += 1
        if progress is not None:
            progress(report)
    return report


def rotate_all(
    *, batch_size: int = 500, progress: Callable[[RotationReport], None] | None = None
) -> list[RotationReport]:
    """Rotate every encrypted field of every model, then leave an audit record."""
    reports = [
        rotate_model(model, fields, batch_size=batch_size, progress=progress)
        for model, fields in encrypted_fields()
    ]
    audit.record(
        "crypto.field_keys_rotated",
        models={r.model: {"rows": r.rows, "rotated": r.rotated} for r in reports},
        keys=len(settings.PETITE_FIELD_KEYS),
    )
    return reports
