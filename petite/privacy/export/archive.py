"""Writing the ZIP archive: data.json and index.html streamed chunk by chunk, then the
member's uploads and their files from the declared file stores (privacy.stores)."""

from __future__ import annotations

import functools
import html
import itertools
import json
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

import orjson
from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import stores
from ..wording import semicolon
from .page import _by_situation, _html_row, _purposes_overview
from .values import (
    ANOTHER_MEMBER,
    ExportedField,
    Scope,
    Section,
    _machine,
    _purpose_entry,
    converter,
    plan,
    purposes_used,
    section_metadata,
)

CHUNK_SIZE = 1000


FORMAT = "petite.export"


VERSION = 1


Progress = Callable[[int, int], None]


@dataclass
class Summary:
    rows: int = 0
    files: int = 0
    missing_files: int = 0
    sections: int = 0


@dataclass
class _Context:
    """What one archive's writers share."""

    member: models.Model
    zip_file: zipfile.ZipFile
    html_out: IO[str]
    files_out: IO[str]
    progress: Progress
    summary: Summary = field(default_factory=Summary)


def write_archive(
    member: models.Model,
    target: str | IO[bytes] | Any,
    *,
    language: str | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    workdir: str | None = None,
    scope: Scope | None = None,
) -> Summary:
    """Write the whole export of ``member`` as a ZIP archive to ``target`` (a path or
    a binary file). ``progress(done, total)`` is called after each chunk of rows,
    ``total`` being the number of rows counted before the first is read. Temporary
    files go to ``workdir`` (the system's temporary directory by default) and are
    gone when this returns, even after an error."""
    report = progress or (lambda done, total: None)
    with (
        translation.override(language or settings.LANGUAGE_CODE),
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        tempfile.TemporaryFile("w+", encoding="utf-8", dir=workdir) as html_out,
        tempfile.TemporaryFile("w+", encoding="utf-8", dir=workdir) as files_out,
    ):
        sections = plan(member, scope)
        total = sum(s.count for s in sections)
        context = _Context(member, zf, html_out, files_out, report)
        context.summary.sections = len(sections)
        report(0, total)
        _write_data(context, sections, total, chunk_size)
        html_out.seek(0)
        with _entry(zf, "index.html") as entry:
            for block in iter(lambda: html_out.read(1 << 16), ""):
                entry.write(block.encode("utf-8"))
        _copy_files(context)
        _copy_store_files(context)
    return context.summary


def _entry(zf: zipfile.ZipFile, name: str) -> IO[bytes]:
    """A new entry of the archive, dated now and readable by its owner only once unzipped."""
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    # The archive's level (fast): a ZipInfo otherwise gets the default, three times slower.
    if sys.version_info >= (3, 13):
        info.compress_level = zf.compresslevel
    else:  # pragma: no cover
        info._compresslevel = zf.compresslevel
    info.external_attr = 0o600 << 16
    # Sizes are unknown until the end: ZIP64 lets an entry grow past 2 GiB.
    return zf.open(info, "w", force_zip64=True)


def _write_data(context: _Context, sections: list[Section], total: int, chunk_size: int) -> None:
    member = context.member
    header = {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": timezone.now().isoformat(),
        "language": translation.get_language(),
        "controller": settings.PETITE_CONTROLLER_NAME,
        "member": {"id": _machine(member.pk)},
        "about": (
            "Every record held about you, by model. Each model and each field says its "
            "category, purposes, legal basis, retention and recipients. Credentials are "
            "exported only as whether they are set; other members appear only as "
            f'"{ANOTHER_MEMBER}". Uploaded files are in files/.'
        ),
        "purposes": [_purpose_entry(p) for p in purposes_used(sections)],
    }
    scope = sections[0].scope if sections else None
    if scope is not None:
        header["scope"] = {
            "categories": sorted(scope.categories),
            "since": scope.since.isoformat() if scope.since else None,
            "until": scope.until.isoformat() if scope.until else None,
        }
    context.html_out.write(
        render_to_string(
            "privacy/export/index_start.html",
            {
                "generated_at": timezone.now(),
                "controller": settings.PETITE_CONTROLLER_NAME,
                "purposes": _purposes_overview(sections),
                "situations": _by_situation(sections),
                "total": total,
                "separator": semicolon(),
            },
        )
    )
    done = 0
    with (
        _entry(context.zip_file, "data.json") as raw,
        _text(raw) as out,
    ):
        out.write(json.dumps(header, ensure_ascii=False, cls=DjangoJSONEncoder)[:-1])
        out.write(', "records": [')
        first_section = True
        for situation, in_situation in _by_situation(sections):
            context.html_out.write(
                render_to_string("privacy/export/situation.html", {"situation": situation})
            )
            for section in in_situation:
                if not first_section:
                    out.write(",")
                first_section = False
                metadata = json.dumps(
                    section_metadata(section), ensure_ascii=False, cls=DjangoJSONEncoder
                )
                out.write("\n" + metadata[:-1] + ', "items": [')
                vertical = section.count == 1
                context.html_out.write(
                    render_to_string(
                        "privacy/export/section_start.html",
                        {"section": section, "vertical": vertical, "separator": semicolon()},
                    )
                )
                first_row = True
                for batch in _batches(context, section, chunk_size):
                    for item, cells in batch:
                        out.write(("\n" if first_row else ",\n") + item)
                        first_row = False
                        context.html_out.write(_html_row(section, cells, vertical))
                    done += len(batch)
                    context.summary.rows += len(batch)
                    context.progress(done, total)
                out.write("]}")
                context.html_out.write(
                    render_to_string(
                        "privacy/export/section_end.html",
                        {"section": section, "vertical": vertical},
                    )
                )
        out.write("\n]}\n")
    context.html_out.write(render_to_string("privacy/export/index_end.html", {}))
    context.progress(done, total)


class _text:
    """A text writer over a binary zip entry that leaves closing the entry to its owner."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.buffer: list[str] = []
        self.size = 0

    def __enter__(self) -> _text:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()

    def write(self, text: str) -> None:
        self.buffer.append(text)
        self.size += len(text)
        if self.size >= 1 << 16:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.raw.write("".join(self.buffer).encode("utf-8"))
            self.buffer = []
            self.size = 0


def _batches(
    context: _Context, section: Section, chunk_size: int
) -> Iterator[list[tuple[str, list[str]]]]:
    """The section's rows, a chunk at a time, each as (JSON text, escaped HTML cells)."""
    if section.count == 0:
        return
    single = [f for f in section.fields if not f.field.many_to_many]
    multiple = [f for f in section.fields if f.field.many_to_many]
    member_pk = context.member.pk
    # Connection rows repeat the same browsers, addresses and networks thousands of
    # times: each distinct text is escaped once.
    escape = functools.lru_cache(maxsize=16_384)(html.escape)
    # Chosen once per column, not per value: a section may have 100,000 rows.
    columns = [
        (f.name, converter(f, member_pk, escape), f if f.kind == "file" else None) for f in single
    ]
    extra = [(f.name, converter(f, member_pk, escape)) for f in multiple]

    def encode(item: dict[str, Any]) -> str:
        # orjson: a row of data.json costs a fifth of the standard library's encoder.
        return orjson.dumps(item, default=str).decode()

    queryset = section.queryset(context.member)
    rows = queryset.values_list("pk", *[f.column for f in single]).iterator(chunk_size=chunk_size)
    plain = not multiple and all(upload is None for _n, _c, upload in columns)
    names = [name for name, _c, _u in columns]
    converters = [convert_value for _n, convert_value, _u in columns]
    for batch in itertools.batched(rows, chunk_size):
        if plain:  # nearly every section: no upload, no many-to-many
            converted = []
            for row in batch:
                pairs = [convert_value(v) for convert_value, v in zip(converters, row[1:])]  # noqa: B905
                machine = dict(zip(names, [m for m, _h in pairs]))  # noqa: B905
                converted.append((encode(machine), [h for _m, h in pairs]))
            yield converted
            continue
        related = _many_to_many(multiple, [row[0] for row in batch])
        converted = []
        for row in batch:
            item: dict[str, Any] = {}
            cells: list[str] = []
            for (name, convert_value, upload), value in zip(columns, row[1:], strict=True):
                if upload is None:
                    item[name], cell = convert_value(value)
                else:
                    item[name], cell = _archive_file(context, section, upload, row[0], value)
                cells.append(cell)
            for name, convert_value in extra:
                item[name], cell = convert_value(related[name].get(row[0], []))
                cells.append(cell)
            converted.append((encode(item), cells))
        yield converted


def _many_to_many(multiple: list[ExportedField], pks: list[Any]) -> dict[str, dict[Any, list[Any]]]:
    """For each many-to-many field, the related ids of each row of the chunk: one query each."""
    found: dict[str, dict[Any, list[Any]]] = {}
    for exported in multiple:
        through = exported.field.remote_field.through  # type: ignore[union-attr]
        source = exported.field.m2m_field_name()  # type: ignore[attr-defined]
        target = exported.field.m2m_reverse_field_name()  # type: ignore[attr-defined]
        by_row: dict[Any, list[Any]] = {}
        pairs = through._default_manager.filter(**{f"{source}__in": pks}).values_list(
            f"{source}_id", f"{target}_id"
        )
        for row_pk, related_pk in pairs.order_by(f"{target}_id"):
            by_row.setdefault(row_pk, []).append(related_pk)
        found[exported.name] = by_row
    return found


def _archive_file(
    context: _Context, section: Section, exported: ExportedField, row_pk: Any, value: Any
) -> tuple[Any, str]:
    """Where an upload goes in the archive, and its link on the page; the file itself
    is copied once data.json is complete (a ZIP writes one entry at a time)."""
    name = str(value or "")
    if not name:
        return None, ""
    storage = exported.field.storage  # type: ignore[attr-defined]
    if not storage.exists(name):
        context.summary.missing_files += 1
        return {"path": None, "missing": True}, html.escape(_("file missing"))
    basename = PurePosixPath(name.replace("\\", "/")).name
    path = f"files/{section.label}/{row_pk}/{exported.name}/{basename}"
    context.files_out.write(json.dumps([exported.name, section.label, name, path]) + "\n")
    return {"path": path}, f'<a href="{html.escape(path)}">{html.escape(basename)}</a>'


def _copy_store_files(context: _Context) -> None:
    """The member's files in the declared file stores that know their owners."""
    for store, name in stores.owned_files(context.member, exported_only=True):
        storage = stores.storage_of(store)
        if not storage.exists(name):
            context.summary.missing_files += 1
            continue
        path = f"files/stores/{store.key}/{name}"
        with storage.open(name, "rb") as source, _entry(context.zip_file, path) as entry:
            shutil.copyfileobj(source, entry, 1 << 16)
        context.summary.files += 1


def _copy_files(context: _Context) -> None:
    context.files_out.seek(0)
    for line in context.files_out:
        field_name, label, name, path = json.loads(line)
        storage = apps.get_model(label)._meta.get_field(field_name).storage
        with storage.open(name, "rb") as source, _entry(context.zip_file, path) as entry:
            shutil.copyfileobj(source, entry, 1 << 16)
        context.summary.files += 1
