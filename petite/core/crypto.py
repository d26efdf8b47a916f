"""Encryption at rest for sensitive fields (SEC1, R1.3), and key rotation.

Keys come from ``settings.PETITE_FIELD_KEYS``: Fernet keys, newest first. New
values are encrypted with the newest key; any listed key can decrypt, so a new
key is introduced by putting it first, running ``manage.py rotate_field_keys``,
then removing the old key once the command reports that nothing uses it.

Errors never carry the plaintext nor the ciphertext: they name the key position
or the model and field, which is all an operator needs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db import models

    from .fields import EncryptedTextField


class DecryptionError(Exception):
    """A stored value that none of the configured keys can open."""


@functools.lru_cache(maxsize=8)
def _build(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise ImproperlyConfigured("PETITE_FIELD_KEYS is empty: field encryption needs a key.")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            # The key itself is secret: say which one is wrong, never what it is.
            raise ImproperlyConfigured(
                f"PETITE_FIELD_KEYS: key number {position} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes; make one with "
                "`python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)."
            ) from None
    return MultiFernet(fernets), fernets[0]


def _keys() -> tuple[MultiFernet, Fernet]:
    # Keyed on the tuple of keys, so a changed setting (tests override it) gives
    # a fresh MultiFernet without listening to setting_changed.
    return _build(tuple(settings.PETITE_FIELD_KEYS))


def encrypt(plaintext: str) -> str:
    """A Fernet token for ``plaintext``, under the newest key."""
    multi, _newest = _keys()
    return multi.encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The plaintext of ``token``; :class:`cryptography.fernet.InvalidToken` if no key opens it."""
    multi, _newest = _keys()
    return multi.decrypt(token.encode("ascii")).decode("utf-8")


def is_current(token: str) -> bool:
    """Whether ``token`` is already encrypted under the newest key."""
    _multi, newest = _keys()
    try:
        newest.decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """``token`` re-encrypted under the newest key (its timestamp is kept)."""
    multi, _newest = _keys()
    return multi.rotate(token.encode("ascii")).decode("ascii")


# --- Rotation of every encrypted field -----------------------------------------------


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
    from django.apps import apps

    from .fields import EncryptedTextField

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
    from django.db import transaction
    from django.db.models import ExpressionWrapper, F, Q, TextField, Value

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
                    if not token or is_current(token):
                        continue
                    try:
                        rotated = rotate(token)
                    except InvalidToken:
                        raise DecryptionError(
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
    from . import audit

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
