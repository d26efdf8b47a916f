"""The verification scan (U5): after an erasure, prove the member's identifiers are gone.

**What it looks for**: :mod:`petite.privacy.identifiers` (the member's
identifying values, read before the erasure).

**Where.** After the erasure, :func:`verify` searches every text, e-mail, file-path
and JSON column of every table of the project, declared or not: every model of
every installed app (``include_auto_created``), plus the tables no model describes
(``django_migrations``), read through database introspection. Per table, one query
ORs a case-insensitive ``LIKE`` of every identifier over every column; the rows it
returns are then confirmed in Python with a whole-word, case-insensitive match
("Ann" is not found in "Joanna"; "_" separates words, as in file names). JSON columns are also searched in their escaped
form, since SQLite stores ``"é"`` as ``"\\u00e9"``. On SQLite ``LIKE`` folds only
ASCII letters: an identifier with accents is found in the case it was written in.

Encrypted columns (:class:`petite.core.fields.EncryptedTextField`) cannot be
searched in SQL: every non-empty value of every such column is decrypted and
checked, so their cost follows the size of those tables, not the member's data;
the receipt says how many values were decrypted. A value no key opens is reported,
since the scan cannot say what it holds.

Stored files of every file store declared to :mod:`petite.privacy.stores` with
``scanned`` (local storage only; a store inside another one's folder is walked once):
every file name; the contents of text-like files (``.txt``, ``.json``, ``.html``,
``.csv``...) up to 1 MiB; inside ZIP archives, every member's name and the contents
of text-like members up to 1 MiB. Images, PDFs and other binary formats are not
read: the erasure deletes the files of the member's rows, and their names are checked.

**Findings.** A match is allowed when it is in a column the model's declaration
keeps under a legal retention (``Erasure.KEEP``): the receipt lists it with the
reason. Any other match is a finding: the receipt says where (table and column,
or a file path with any identifier in it masked) and how many rows, never the
value. The scan's cost (``duration_ms``) is in the receipt.
"""

from __future__ import annotations

import json
import os
import re
import time
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Q
from django.utils import translation

from petite.core.fields import EncryptedTextField

from . import registry, stores
from .declarations import Erasure
from .identifiers import Identifiers, decrypt_column

MAX_TEXT_BYTES = 1024 * 1024
TEXT_SUFFIXES = frozenset(
    {".txt", ".json", ".html", ".htm", ".csv", ".md", ".xml", ".eml", ".vcf", ".ics", ".log"}
)
# How a receipt names the default storage's root (Django's MEDIA_ROOT); any other
# storage is named by its alias.
ROOT_NAMES = {"default": "media"}
MASK = "[…]"


# --- The scan ----------------------------------------------------------------------


@dataclass
class _Report:
    tables: int = 0
    columns: int = 0
    encrypted_columns: int = 0
    encrypted_values: int = 0
    files: int = 0
    archive_members: int = 0
    findings: list[dict[str, Any]] = field(default_factory=list)
    allowed: list[dict[str, Any]] = field(default_factory=list)

    def add(self, where: str, count: int, *, model: str = "", allowed_because: str = "") -> None:
        if not count:
            return
        entry: dict[str, Any] = {"where": where, "count": count}
        if model:
            entry["model"] = model
        if allowed_because:
            entry["allowed_because"] = allowed_because
            self.allowed.append(entry)
        else:
            self.findings.append(entry)


def verify(identifiers: Identifiers) -> dict[str, Any]:
    """Search every table and stored file for ``identifiers``; the receipt's ``scan``."""
    started = time.perf_counter()
    report = _Report()
    pattern = identifiers.pattern()
    kept = _kept_columns()
    scanned_tables: set[str] = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        scanned_tables.add(model._meta.db_table)
        _scan_model(model, identifiers, pattern, kept, report)
    _scan_other_tables(scanned_tables, identifiers, pattern, report)
    for root_name, root, folder in _file_folders():
        _scan_files(root_name, root, folder, identifiers, pattern, report)
    return {
        "clean": not report.findings,
        "identifiers": identifiers.summary(),
        "tables": report.tables,
        "columns": report.columns,
        "encrypted_columns": report.encrypted_columns,
        "encrypted_values_decrypted": report.encrypted_values,
        "files": report.files,
        "archive_members": report.archive_members,
        "findings": report.findings,
        "allowed": report.allowed,
        "duration_ms": round((time.perf_counter() - started) * 1000),
    }


def _kept_columns() -> dict[tuple[str, str], str]:
    """(table, column) → the reason a declaration keeps it under legal retention."""
    kept: dict[tuple[str, str], str] = {}
    for declaration in registry.declarations():
        for name, personal in declaration.fields.items():
            if personal.erasure is Erasure.KEEP:
                column = str(getattr(declaration.model._meta.get_field(name), "column", name))
                with translation.override("en"):
                    kept[(declaration.model._meta.db_table, column)] = str(
                        personal.kept_because or ""
                    )
    return kept


def _text_columns(model: type[models.Model]) -> tuple[list[Any], list[EncryptedTextField]]:
    plain, encrypted = [], []
    for model_field in model._meta.concrete_fields:
        if isinstance(model_field, EncryptedTextField):
            encrypted.append(model_field)
        elif isinstance(
            model_field, (models.CharField, models.TextField, models.JSONField, models.FileField)
        ):
            plain.append(model_field)
    return plain, encrypted


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _json_escaped(value: str) -> str:
    return json.dumps(value)[1:-1]


def _scan_model(
    model: type[models.Model],
    identifiers: Identifiers,
    pattern: re.Pattern[str] | None,
    kept: dict[tuple[str, str], str],
    report: _Report,
) -> None:
    report.tables += 1
    plain, encrypted = _text_columns(model)
    report.columns += len(plain) + len(encrypted)
    report.encrypted_columns += len(encrypted)
    table = model._meta.db_table
    label = model._meta.label
    rows = model._base_manager.all()
    counts: Counter[str] = Counter()
    if plain and pattern is not None:
        conditions = []
        for model_field in plain:
            for identifier in identifiers.values:
                conditions.append(Q(**{f"{model_field.attname}__icontains": identifier}))
                escaped = _json_escaped(identifier)
                if isinstance(model_field, models.JSONField) and escaped != identifier:
                    conditions.append(Q(**{f"{model_field.attname}__icontains": escaped}))
        attnames = [f.attname for f in plain]
        candidates = rows.filter(reduce(or_, conditions)).values_list(*attnames).order_by()
        for row in candidates.iterator():
            for model_field, value in zip(plain, row, strict=True):
                if pattern.search(_as_text(value)):
                    counts[str(model_field.column)] += 1
    for model_field in encrypted:
        unreadable = 0
        for _pk, plaintext in decrypt_column(rows, model_field):
            report.encrypted_values += 1
            if plaintext is None:
                unreadable += 1
            elif pattern is not None and pattern.search(plaintext):
                counts[str(model_field.column)] += 1
        # Not a match, but not a proof of absence either.
        report.add(f"{table}.{model_field.column} (cannot be decrypted)", unreadable, model=label)
    for column, count in sorted(counts.items()):
        report.add(
            f"{table}.{column}", count, model=label, allowed_because=kept.get((table, column), "")
        )


def _scan_other_tables(
    scanned: set[str],
    identifiers: Identifiers,
    pattern: re.Pattern[str] | None,
    report: _Report,
) -> None:
    """Tables that no model describes, read through introspection."""
    connection = connections[DEFAULT_DB_ALIAS]
    introspection = connection.introspection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = [
            info.name
            for info in introspection.get_table_list(cursor)
            if info.type == "t" and info.name not in scanned
        ]
        for table in sorted(tables):
            report.tables += 1
            columns = [
                column.name
                for column in introspection.get_table_description(cursor, table)
                if _is_text(introspection, column)
            ]
            report.columns += len(columns)
            if not columns or pattern is None:
                continue
            like = connection.ops.lookup_cast("icontains", "TextField")
            operator = getattr(connection, "operators", {}).get("icontains", "LIKE %s")
            clauses, params = [], []
            for column in columns:
                for value in identifiers.values:
                    clauses.append(f"{like % quote(column)} {operator % '%s'}")
                    params.append("%" + connection.ops.prep_for_like_query(value) + "%")
            selected = ", ".join(quote(c) for c in columns)
            # Table and column names come from the database itself; values are parameters.
            cursor.execute(
                f"SELECT {selected} FROM {quote(table)} WHERE {' OR '.join(clauses)}",  # noqa: S608
                params,
            )
            counts: Counter[str] = Counter()
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if pattern.search(_as_text(value)):
                        counts[column] += 1
            for column, count in sorted(counts.items()):
                report.add(f"{table}.{column}", count)


def _is_text(introspection: Any, column: Any) -> bool:
    try:
        kind = introspection.get_field_type(column.type_code, column)
    except KeyError:
        return False
    return kind in {"CharField", "TextField", "JSONField"}


# --- Stored files ------------------------------------------------------------------


def _mask(text: str, pattern: re.Pattern[str] | None) -> str:
    return pattern.sub(MASK, text) if pattern is not None else text


def _walk(root: Path) -> Iterable[Path]:
    for directory, _dirs, names in os.walk(root):
        for name in sorted(names):
            yield Path(directory) / name


def _file_folders() -> list[tuple[str, Path, Path]]:
    """(receipt name, storage root, folder) of each declared, scanned store, each
    folder once: a store whose folder lies inside another's is walked with it."""
    found: list[tuple[str, Path, Path]] = []
    for store in stores.file_stores():
        folder = stores.local_folder(store) if store.scanned else None
        if folder is not None:
            root = Path(stores.storage_of(store).path(""))
            found.append((ROOT_NAMES.get(store.storage, store.storage), root, folder))
    folders = {folder for _name, _root, folder in found}
    return sorted(
        {
            entry
            for entry in found
            if not any(other != entry[2] and other in entry[2].parents for other in folders)
        },
        key=lambda entry: (entry[0], str(entry[2])),
    )


def _scan_files(
    root_name: str,
    root: Path,
    folder: Path,
    identifiers: Identifiers,
    pattern: re.Pattern[str] | None,
    report: _Report,
) -> None:
    if not folder.is_dir():
        return
    for path in _walk(folder):
        if path.is_symlink() or not path.is_file():
            continue
        report.files += 1
        if pattern is None:
            continue
        relative = path.relative_to(root).as_posix()
        where = f"{root_name}:{_mask(relative, pattern)}"
        try:
            if pattern.search(relative) or _file_matches(path, pattern, report):
                report.add(where, 1)
        except (OSError, zipfile.BadZipFile):
            report.add(f"{where} (cannot be read)", 1)


def _is_text_name(name: str) -> bool:
    return Path(name).suffix.lower() in TEXT_SUFFIXES


def _file_matches(path: Path, pattern: re.Pattern[str], report: _Report) -> bool:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                report.archive_members += 1
                if pattern.search(info.filename):
                    return True
                if _is_text_name(info.filename) and info.file_size <= MAX_TEXT_BYTES:
                    text = archive.read(info).decode("utf-8", errors="replace")
                    if pattern.search(text):
                        return True
        return False
    if _is_text_name(path.name) and path.stat().st_size <= MAX_TEXT_BYTES:
        text = path.read_text(encoding="utf-8", errors="replace")
        return bool(pattern.search(text))
    return False
