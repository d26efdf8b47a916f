"""The erasure engine (U5): everything the inventory holds about a member goes, with proof.

It reads only the registry. For one member, in one transaction:

1. Before anything changes, it notes which rows each declaration that keeps its rows
   (``BLANK``, ``ANONYMISE``, ``KEEP``) will change, and which stored files go: a
   later step would otherwise lose track of them (blanking a request's member
   unlinks its history; a cascade removes rows before their files are listed).
2. It ends the member's sessions.
3. It deletes the rows of every declaration that deletes rows (any field
   ``Erasure.DELETE``), rows that point at others first, so that each subject path
   still leads to the member when its turn comes; Django's cascades are counted
   under their own models.
4. It blanks, anonymises or keeps the fields of the declarations that keep their
   rows: one ``UPDATE`` per model (per few thousand rows).
5. It deletes the member's own row (the declaration whose subject is ``""``) last.

A member under a legal hold (:mod:`petite.privacy.holds`) is not erased: the receipt
says ``HELD`` and nothing changes. Asking again while the hold lasts returns the same
receipt; once it lifts, the next call resumes that receipt and erases.

A failure anywhere rolls everything back: the member is untouched, the receipt says
``FAILED`` (it is written before the transaction, so the attempt leaves a trace) and
a later call starts afresh with a new receipt. After the commit, the member's stored
files are deleted and the verification scan (:mod:`petite.privacy.scan`) looks for
the member's identifiers everywhere; its result completes the receipt. The erasure
ledger gets the member's salted hashes in the same transaction (replayed after a
backup is restored: :mod:`petite.privacy.ledger`), and what the deleted rows left in
the database files is cleared (:mod:`petite.core.disk`).

The receipt names nobody: counts per model, the reasons for what is kept, and an
HMAC of the e-mail address under ``settings.PETITE_RECEIPT_SALT``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation

from petite.core import audit, disk
from petite.core.deferred import follow_up

from . import holds, registry, scan, stores
from .declarations import Declaration, Erasure
from .identifiers import collect_identifiers
from .models import ErasureLedgerEntry, ErasureReceipt

logger = logging.getLogger(__name__)

AUDIT_ACTION = "privacy.member_erased"
HELD_AUDIT_ACTION = "privacy.erasure_held"
ERASED_TEXT = "[erased]"
ERASED_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: can never be delivered to
# Rows changed per UPDATE: well under every backend's limit of query parameters.
UPDATE_BATCH_SIZE = 5000
SESSION_LABEL = "sessions.Session"

# PostgreSQL: dead row versions stay in the table files until a VACUUM (after commit).
vacuum_erased_tables = follow_up("petite.privacy.tasks.vacuum_erased_tables")

Counts = dict[str, Any]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_hash(email: str) -> str:
    """The receipt's only trace of the member: an HMAC, so that "was I erased?" can be
    answered from the address without the receipt revealing it."""
    return hmac.new(
        settings.PETITE_RECEIPT_SALT.encode(), normalise_email(email).encode(), hashlib.sha256
    ).hexdigest()


def member_hash(pk: Any) -> str:
    """The erasure ledger's trace of the account: an HMAC of its id, same salt."""
    return hmac.new(
        settings.PETITE_RECEIPT_SALT.encode(), f"member:{pk}".encode(), hashlib.sha256
    ).hexdigest()


def pseudonym_email(receipt: ErasureReceipt) -> str:
    # Assembled from parts: some editors mangle literal addresses.
    return "erased-" + receipt.pk.hex[:12] + "@" + ERASED_EMAIL_DOMAIN


def erase_member(
    *, member: models.Model, reason: str, requested_by_staff: AbstractBaseUser | None = None
) -> ErasureReceipt:
    """Erase ``member`` everywhere the inventory knows of, verify, and return the receipt.

    Must not be called inside a transaction (the erasure's is durable: its commit is
    what the receipt proves). Raises whatever made the erasure fail, after marking the
    receipt ``FAILED``; nothing is erased then.
    """
    hashed = email_hash(str(getattr(member, "email", "") or ""))
    waiting = ErasureReceipt.objects.filter(
        email_hash=hashed, status=ErasureReceipt.Status.HELD
    ).first()
    if holds.is_held(member):
        if waiting is None:
            waiting = ErasureReceipt.objects.create(
                email_hash=hashed,
                reason=reason[: ErasureReceipt._meta.get_field("reason").max_length or 200],
                requested_by_staff_id=requested_by_staff.pk if requested_by_staff else None,
                status=ErasureReceipt.Status.HELD,
                outcome={"held": True},
            )
            audit.record(HELD_AUDIT_ACTION, actor=requested_by_staff, receipt=str(waiting.pk))
        return waiting
    if waiting is not None:
        # The hold lifted: the erasure it froze resumes under the same receipt.
        ErasureReceipt.objects.filter(pk=waiting.pk).update(status=ErasureReceipt.Status.RUNNING)
        receipt = waiting
    else:
        receipt = ErasureReceipt.objects.create(
            email_hash=hashed,
            reason=reason[: ErasureReceipt._meta.get_field("reason").max_length or 200],
            requested_by_staff_id=requested_by_staff.pk if requested_by_staff else None,
        )
    # Updates go through querysets, never receipt.save(): the erasure may blank the
    # receipt's own requested_by_staff (a staff member erasing their own account).
    receipts = ErasureReceipt.objects.filter(pk=receipt.pk)
    collecting = time.perf_counter()
    identifiers = collect_identifiers(member)
    collect_ms = round((time.perf_counter() - collecting) * 1000)
    try:
        with transaction.atomic(durable=True):
            # First, so that a staff member erasing themselves is unlinked from it too.
            audit.record(AUDIT_ACTION, actor=requested_by_staff, receipt=str(receipt.pk))
            counts, files = _erase(member, receipt)
            outcome: dict[str, Any] = dict(counts)
            if waiting is not None:
                # Proof that the erasure waited for a legal hold, and until when.
                outcome["held_until"] = timezone.now().isoformat()
            receipts.update(outcome=outcome, erased_at=timezone.now())
            # Salted hashes only, so that restoring a backup erases the member again.
            ErasureLedgerEntry.objects.get_or_create(
                member_hash=member_hash(member.pk),
                defaults={"email_hash": receipt.email_hash, "erased_at": timezone.now()},
            )
    except Exception as error:
        # The class name only: a message could quote the data being erased.
        receipts.update(
            status=ErasureReceipt.Status.FAILED,
            outcome={"error": type(error).__name__},
            finished_at=timezone.now(),
        )
        logger.exception("Erasure failed and was rolled back (receipt %s)", receipt.pk)
        raise
    # The block is durable: leaving it means committed, which is when files may go
    # (deleting them inside would lose them if the transaction rolled back).
    _delete_files(files)
    result = scan.verify(identifiers)
    # Collecting the identifiers (before the erasure) is part of the scan's cost.
    result["collect_ms"] = collect_ms
    result["duration_ms"] = result.get("duration_ms", 0) + collect_ms
    receipts.update(
        scan=result,
        status=ErasureReceipt.Status.VERIFIED
        if result["clean"]
        else ErasureReceipt.Status.FINDINGS,
        finished_at=timezone.now(),
    )
    _clear_from_disk(outcome)
    receipt.refresh_from_db()
    return receipt


def _clear_from_disk(outcome: dict[str, Counts]) -> None:
    """Deleted rows leave their bytes in the database files until this runs (see
    :mod:`petite.core.disk`): SQLite's log is checkpointed and emptied now,
    PostgreSQL's touched tables are vacuumed by a task once this has committed."""
    if disk.vendor() == "sqlite":
        disk.checkpoint()
    elif disk.vendor() == "postgresql":
        vacuum_erased_tables.after_commit(tables=touched_tables(outcome))


def touched_tables(outcome: dict[str, Counts]) -> list[str]:
    """The tables of the models an erasure changed, from the receipt's counts."""
    tables = {ErasureReceipt._meta.db_table, ErasureLedgerEntry._meta.db_table}
    for label, counts in outcome.items():
        if not isinstance(counts, dict) or not any(
            isinstance(counts.get(k), int) and counts[k]
            for k in ("deleted", "blanked", "anonymised")
        ):
            continue
        try:
            tables.add(apps.get_model(label)._meta.db_table)
        except (LookupError, ValueError):
            continue
    return sorted(tables)


# --- The erasure itself -------------------------------------------------------------


@dataclass
class _Plan:
    declaration: Declaration
    # Rows of a declaration that keeps its rows, noted before anything changes.
    pks: list[Any] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.declaration.label

    @property
    def model(self) -> type[models.Model]:
        return self.declaration.model

    def rows(self, member: models.Model) -> models.QuerySet[Any]:
        # The base manager: a custom default manager must not hide rows from erasure.
        return self.model._base_manager.filter(self.declaration.subject_filter(member))


def _erase(
    member: models.Model, receipt: ErasureReceipt
) -> tuple[dict[str, Counts], list[tuple[Storage, str]]]:
    started = time.perf_counter()
    plans = [_Plan(d) for d in registry.declarations() if d.fields]
    outcome: dict[str, Counts] = {plan.label: _empty_counts() for plan in plans}
    files: list[tuple[Storage, str]] = []
    for plan in plans:
        files.extend(_stored_files(plan, member))
        if not plan.declaration.deletes_rows:
            plan.pks = list(plan.rows(member).values_list("pk", flat=True))

    files.extend(_store_files(member))
    # Every app that keeps sessions declared how to end a member's (privacy.stores).
    ended = stores.end_sessions(member)
    if ended:
        # Django's session store, whatever its engine: counted with the session model.
        outcome.setdefault(SESSION_LABEL, _empty_counts())["deleted"] += ended

    deleting = [p for p in plans if p.declaration.deletes_rows]
    member_rows = [p for p in deleting if p.declaration.subject == ""]
    for plan in _referencing_first([p for p in deleting if p not in member_rows]):
        _add_deleted(outcome, _delete_rows(plan, member))
    pseudonym = pseudonym_email(receipt)
    for plan in plans:
        if not plan.declaration.deletes_rows:
            outcome[plan.label].update(_update_rows(plan, pseudonym))
    for plan in member_rows:
        _add_deleted(outcome, _delete_rows(plan, member))
    logger.info(
        "Erased a member in %.0f ms (receipt %s)",
        (time.perf_counter() - started) * 1000,
        receipt.pk,
    )
    return dict(sorted(outcome.items())), files


def _empty_counts() -> Counts:
    return {"deleted": 0, "blanked": 0, "anonymised": 0, "kept": 0}


def _add_deleted(outcome: dict[str, Counts], per_model: dict[str, int]) -> None:
    for label, count in per_model.items():
        outcome.setdefault(label, _empty_counts())["deleted"] += count


def _delete_rows(plan: _Plan, member: models.Model) -> dict[str, int]:
    """Delete the member's rows of one model; counts per model label, cascades included."""
    _total, per_model = plan.rows(member).delete()
    return per_model


def _referencing_first(plans: list[_Plan]) -> list[_Plan]:
    """Order deletions so that a model goes before the models it points at.

    A subject path ("request__member") follows foreign keys: deleting the rows it
    passes through first would cut it (with ``SET_NULL``) before its own rows are
    found. Cycles, which the inventory does not have today, fall back to label order.
    """
    remaining = sorted(plans, key=lambda p: p.label)
    ordered: list[_Plan] = []
    while remaining:
        pointed_at = {
            f.related_model
            for p in remaining
            for f in p.model._meta.concrete_fields
            if f.is_relation and f.related_model is not p.model
        }
        ready = [p for p in remaining if p.model not in pointed_at] or remaining[:1]
        ordered.extend(ready)
        remaining = [p for p in remaining if p not in ready]
    return ordered


def _update_rows(plan: _Plan, pseudonym: str) -> Counts:
    """Blank and anonymise one model's rows in one UPDATE per batch; count what is kept."""
    declaration = plan.declaration
    values: dict[str, Any] = {}
    counts: Counts = {}
    strategies = set()
    kept_because: dict[str, str] = {}
    for name, personal in declaration.fields.items():
        model_field = plan.model._meta.get_field(name)
        strategies.add(personal.erasure)
        if personal.erasure is Erasure.KEEP:
            # Stored in English: the receipt is a record, read in the back-office.
            with translation.override("en"):
                kept_because[name] = str(personal.kept_because or "")
        elif personal.erasure is Erasure.BLANK:
            values[model_field.name] = _blank_value(model_field)
        elif personal.erasure is Erasure.ANONYMISE:
            values[model_field.name] = _anonymous_value(model_field, pseudonym)
    changed = 0
    if values:
        for batch in _batches(plan.pks, UPDATE_BATCH_SIZE):
            changed += plan.model._base_manager.filter(pk__in=batch).update(**values)
    else:
        changed = plan.model._base_manager.filter(pk__in=plan.pks).count() if plan.pks else 0
    if Erasure.BLANK in strategies:
        counts["blanked"] = changed
    if Erasure.ANONYMISE in strategies:
        counts["anonymised"] = changed
    if kept_because:
        counts["kept"] = changed
        counts["kept_because"] = kept_because
    return counts


def _batches(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _blank_value(model_field: Any) -> Any:
    if isinstance(model_field, models.JSONField):
        return {}
    if isinstance(model_field, (models.CharField, models.TextField, models.FileField)):
        return ""
    # The system checks (privacy.E004) allow BLANK on nothing else but nullable fields.
    return None


def _anonymous_value(model_field: Any, pseudonym: str) -> Any:
    if isinstance(model_field, models.GenericIPAddressField):
        if model_field.null:
            return None
        return "::" if model_field.protocol.lower() == "ipv6" else "0.0.0.0"  # noqa: S104
    if isinstance(model_field, (models.CharField, models.TextField)):
        text = pseudonym if isinstance(model_field, models.EmailField) else ERASED_TEXT
        if model_field.unique:
            # Several rows cannot share one value: the row's key makes each distinct.
            local, _at, domain = text.partition("@")
            suffix = ("@" + domain) if domain else ""
            return Concat(
                Value(local + "-"),
                Cast("pk", models.CharField()),
                Value(suffix),
                output_field=models.CharField(),
            )
        max_length = getattr(model_field, "max_length", None)
        return text[:max_length] if max_length else text
    return None


# --- Sessions and files -----------------------------------------------------------


def _stored_files(plan: _Plan, member: models.Model) -> list[tuple[Storage, str]]:
    """The files that the member's rows of this model point to and that go with them."""
    file_fields = [
        f
        for f in plan.model._meta.concrete_fields
        if isinstance(f, models.FileField)
        and (
            plan.declaration.deletes_rows
            or (
                f.name in plan.declaration.fields
                and plan.declaration.fields[f.name].erasure is not Erasure.KEEP
            )
        )
    ]
    found: list[tuple[Storage, str]] = []
    for file_field in file_fields:
        names = plan.rows(member).exclude(**{file_field.attname: ""})
        for name in names.values_list(file_field.attname, flat=True):
            if name:
                found.append((file_field.storage, name))
    return found


def _store_files(member: models.Model) -> list[tuple[Storage, str]]:
    """The member's files in the declared file stores that know whose files are whose."""
    return [(stores.storage_of(store), name) for store, name in stores.owned_files(member)]


def _delete_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            # The rows are gone; the verification scan reports a file that stayed.
            logger.warning("A stored file of an erased member could not be deleted")
