"""The complete export of a member's data (U3; GDPR Art. 15 and 20), read only from the registry.

For every declaration, the rows :meth:`Declaration.queryset_for` selects are
streamed (``iterator(chunk_size=...)``) into one ZIP archive:

``data.json``
    Machine-readable. Every declared model with, for each record, its primary key
    and every field declared ``Personal``; every model and every field carries its
    category, its purposes with their legal basis, retention and recipients. The
    JSON is written to the archive piece by piece, one record at a time.
``index.html``
    The same data for people: self-contained (inline CSS, no script, no external
    asset), in the member's language, grouped by purpose and by the situation in
    which the data was collected. Rendered one chunk of rows at a time into a
    temporary file, then copied into the archive (a ZIP can only write one entry
    at a time).
``files/``
    The member's uploads: every ``FileField`` declared ``Personal``.

What is left out, and why:

- *Technical fields* (declared as saying nothing new about the member), except
  the primary key that identifies each record. A file field declared technical
  (the archive of an earlier export, a copy of the rest) stays out too.
- *Secrets*: a credential (category ``CREDENTIALS``: password hash, two-factor
  secret, confirmation key) is exported as "set" or "not set". A leaked archive
  must not let anyone sign in as the member. Dates, flags and fixed choices in
  that category cannot hold a secret and are exported as they are.
- *Other members* (Art. 20(4): the copy must not adversely affect the rights of
  others). A relation to the member model that points to someone other than the
  member is exported as ``"another member"``, never as their id; the member
  themself appears as ``"self"``. Whatever a model decides the member may know
  of the other party (a display name shown to them) is its own declared field.

``data.json`` is the format for programs: its keys and tokens ("self",
"another member", ``{"set": true}``) are English and stable, while names and
labels (purposes, categories, fields) are in the member's language, like the page.
Dates and times are ISO 8601 in both, in local time on the page.

Memory stays flat as the member's data grows: rows are fetched in chunks, each
chunk is written out before the next is read, and the only thing kept per
upload is one line in a temporary file.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import functools
import html
import itertools
import json
import shutil
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any, Literal

import orjson
from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.duration import duration_iso_string
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import categories, registry
from .categories import SITUATIONS, Category, Situation
from .declarations import Declaration, Personal
from .notice import semicolon
from .purposes import PURPOSES, Purpose
from .recipients import Recipient

CHUNK_SIZE = 1000
FORMAT = "petite.export"
VERSION = 1

# Machine-readable stand-ins (data.json is not translated; index.html is).
SELF = "self"
ANOTHER_MEMBER = "another member"

Progress = Callable[[int, int], None]
Kind = Literal["value", "secret", "member", "relation", "file", "many_members", "many"]


@dataclass(frozen=True)
class ExportedField:
    """One column of the export: a declared personal field, the primary key or an upload."""

    name: str
    label: str
    field: models.Field[Any, Any]
    personal: Personal | None
    kind: Kind
    choices: dict[Any, str] | None = None

    @property
    def column(self) -> str:
        """What ``values_list`` is given: the raw value (a foreign key's id, not the object)."""
        return self.field.attname


@dataclass
class Section:
    """One declared model's part of the export."""

    declaration: Declaration
    fields: list[ExportedField]
    count: int = 0

    @property
    def label(self) -> str:
        return self.declaration.label

    @property
    def anchor(self) -> str:
        return "record-" + self.label.replace(".", "-").lower()

    @property
    def name(self) -> str:
        return capfirst(str(self.declaration.verbose_name))

    @property
    def situation(self) -> Situation:
        found = self.declaration.categories
        return found[0].situation if found else categories.USING_OTHER_SERVICES

    @property
    def legal_bases(self) -> list[str]:
        return sorted({str(p.legal_basis.label) for p in self.declaration.purposes})

    @property
    def recipients(self) -> list[Recipient]:
        found: dict[str, Recipient] = {}
        for purpose in self.declaration.purposes:
            for recipient in purpose.recipients:
                found.setdefault(recipient.key, recipient)
        return list(found.values())

    def queryset(self, member: models.Model) -> models.QuerySet[Any]:
        queryset = self.declaration.queryset_for(member)
        if not queryset.ordered:
            queryset = queryset.order_by("pk")
        return queryset


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


# --- Which fields, and how they read -------------------------------------------------


def is_secret(declaration: Declaration, name: str) -> bool:
    """A credential whose value must never be shown or exported, only whether it is set."""
    personal = declaration.fields.get(name)
    if personal is None or personal.category.key != categories.CREDENTIALS.key:
        return False
    model_field = declaration.model._meta.get_field(name)
    # A date, a flag or a fixed choice (the kind of authenticator) cannot hold a secret.
    return not (
        getattr(model_field, "choices", None)
        or isinstance(model_field, models.DateField | models.TimeField | models.BooleanField)
    )


def _kind(declaration: Declaration, model_field: Any) -> Kind:
    if is_secret(declaration, model_field.name):
        return "secret"
    if isinstance(model_field, models.FileField):
        return "file"
    if model_field.many_to_many:
        return "many_members" if registry.is_member_model(model_field.related_model) else "many"
    if model_field.is_relation:
        return "member" if registry.is_member_model(model_field.related_model) else "relation"
    return "value"


def _exportable_pk(model: type[models.Model]) -> bool:
    # A natural text key (a session key) can be a bearer secret: only surrogate keys go out.
    return not isinstance(model._meta.pk, models.CharField | models.TextField)


def exported_fields(declaration: Declaration) -> list[ExportedField]:
    """The primary key, then the declared personal fields, in model order."""
    model = declaration.model
    found: list[ExportedField] = []
    pk = model._meta.pk
    assert pk is not None
    if _exportable_pk(model):
        found.append(ExportedField(pk.name, capfirst(str(pk.verbose_name)), pk, None, "value"))
    for model_field in model._meta.get_fields():
        if not (model_field.concrete or model_field.many_to_many) or model_field.auto_created:
            continue
        if model_field is pk:
            continue
        personal = declaration.fields.get(model_field.name)
        if personal is None:
            continue
        choices = getattr(model_field, "flatchoices", None) or None
        found.append(
            ExportedField(
                name=model_field.name,
                label=capfirst(str(getattr(model_field, "verbose_name", model_field.name))),
                field=model_field,  # type: ignore[arg-type]
                personal=personal,
                kind=_kind(declaration, model_field),
                choices={key: str(value) for key, value in choices} if choices else None,
            )
        )
    return found


def plan(member: models.Model) -> list[Section]:
    """Every declared model, with the number of the member's records in it."""
    sections = []
    for declaration in registry.declarations():
        section = Section(declaration, exported_fields(declaration))
        section.count = declaration.queryset_for(member).count()
        sections.append(section)
    return sections


def _machine(value: Any) -> Any:
    """A stored value as JSON can hold it."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, list | dict):
        return value  # a JSONField's value: JSON already
    return str(value)


# --- Metadata: purposes, legal bases, retention, recipients ----------------------------


def _purpose_entry(purpose: Purpose) -> dict[str, Any]:
    return {
        "id": purpose.id,
        "name": str(purpose.name),
        "legal_basis": str(purpose.legal_basis.label),
        "retention": purpose.retention.text,
        "recipients": [str(r.name) for r in purpose.recipients],
    }


def _category_entry(category: Category) -> dict[str, str]:
    return {"key": category.key, "name": str(category.name)}


def _purposes_of(personal: Personal | None) -> list[Purpose]:
    return personal.purpose_objects if personal is not None else []


def section_metadata(section: Section) -> dict[str, Any]:
    declaration = section.declaration
    purposes = declaration.purposes
    fields = []
    for exported in section.fields:
        entry: dict[str, Any] = {"name": exported.name, "label": exported.label}
        if exported.personal is None:
            entry["category"] = None
            entry["purposes"] = []
            entry["about"] = "identifier of the record"
        else:
            entry["category"] = _category_entry(exported.personal.category)
            entry["purposes"] = [_purpose_entry(p) for p in _purposes_of(exported.personal)]
        if exported.kind == "secret":
            entry["withheld"] = "secret: exported only as whether it is set"
        elif exported.kind in ("member", "many_members"):
            entry["other_members"] = f'"{SELF}" is you; anyone else is "{ANOTHER_MEMBER}"'
        if exported.choices:
            entry["choices"] = {str(k): v for k, v in exported.choices.items()}
        fields.append(entry)
    return {
        "model": section.label,
        "name": section.name,
        "categories": [_category_entry(c) for c in declaration.categories],
        "purposes": [_purpose_entry(p) for p in purposes],
        "legal_bases": section.legal_bases,
        "retention": declaration.retention.text,
        "recipients": [str(r.name) for r in section.recipients],
        "note": str(declaration.note) if declaration.note is not None else None,
        "fields": fields,
        "count": section.count,
    }


def purposes_used(sections: Iterable[Section]) -> list[Purpose]:
    used = {p for s in sections for p in s.declaration.purpose_ids}
    return [p for key, p in PURPOSES.items() if key in used]


# --- Writing -------------------------------------------------------------------------


def write_archive(
    member: models.Model,
    target: str | IO[bytes] | Any,
    *,
    language: str | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    workdir: str | None = None,
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
        sections = plan(member)
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


Converter = Callable[[Any], tuple[Any, str]]


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


def _keep(text: str) -> str:
    return text


def converter(
    exported: ExportedField, member_pk: Any, escape: Callable[[str], str] = _keep
) -> Converter:
    """How one column reads: a stored value -> (for data.json, for people).

    Secrets become whether they are set; a relation to a member becomes "self" or
    "another member"; an upload is named by its file name. Dates and times are
    ISO 8601 for both, in local time for people: read the same in every language,
    sorted as text, and a fraction of the cost of a localised format on a page
    that may hold 100,000 rows. ``escape`` is applied to the text for people where
    it could hold markup (never to numbers and dates, which cannot).
    """
    kind = exported.kind
    model_field = exported.field
    if kind == "secret":
        is_set, not_set = escape(_("set")), escape(_("not set"))
        return lambda v: (
            ({"set": False}, not_set) if v in (None, "", {}, []) else ({"set": True}, is_set)
        )
    if kind in ("member", "many_members"):
        you, other = escape(_("you")), escape(_("another member"))

        def party(value: Any) -> tuple[str | None, str]:
            if value is None:
                return None, ""
            return (SELF, you) if value == member_pk else (ANOTHER_MEMBER, other)

        if kind == "member":
            return party

        def parties(values: Any) -> tuple[Any, str]:
            found = [party(v) for v in values]
            return [machine for machine, _human in found], ", ".join(h for _m, h in found)

        return parties
    if kind == "many":
        return lambda v: ([_machine(x) for x in v], escape(", ".join(str(x) for x in v)))
    if kind == "file":
        return lambda v: (
            str(v) if v else None,
            escape(PurePosixPath(str(v or "").replace("\\", "/")).name),
        )
    if exported.choices is not None:
        labels = {key: escape(label) for key, label in exported.choices.items()}
        return lambda v: (
            _machine(v),
            "" if v is None or v == "" else labels.get(v) or escape(str(v)),
        )
    if isinstance(model_field, models.BooleanField):
        yes, no = escape(_("yes")), escape(_("no"))
        return lambda v: (v, "" if v is None else yes if v else no)
    if isinstance(model_field, models.DateTimeField):
        zone = timezone.get_current_timezone()
        # The machine side stays a datetime: the JSON encoders write it as ISO 8601.
        return lambda v: (
            (None, "") if v is None else (v, v.astimezone(zone).isoformat(" ", "seconds")[:19])
        )
    if isinstance(model_field, models.DateField):
        return lambda v: (None, "") if v is None else (v.isoformat(), v.isoformat())
    if isinstance(model_field, models.CharField | models.TextField | models.GenericIPAddressField):
        return lambda v: (v, escape(v) if v else "")
    if isinstance(model_field, models.IntegerField | models.FloatField):
        return lambda v: (v, "" if v is None else str(v))
    if isinstance(model_field, models.JSONField):
        return lambda v: (
            v,
            "" if v is None else escape(json.dumps(v, ensure_ascii=False, cls=DjangoJSONEncoder)),
        )
    return lambda v: (_machine(v), escape(_human(v)))


def convert(exported: ExportedField, value: Any, member_pk: Any) -> tuple[Any, str]:
    """One stored value as the export gives it: (for data.json, for people)."""
    return converter(exported, member_pk)(value)


def readable(
    declaration: Declaration, record: models.Model, member: models.Model
) -> list[tuple[ExportedField, str]]:
    """Each declared personal field of one record, as the member may see it."""
    shown = []
    for exported in exported_fields(declaration):
        if exported.personal is None:
            continue
        if exported.field.many_to_many:
            value: Any = list(getattr(record, exported.name).values_list("pk", flat=True))
        else:
            value = getattr(record, exported.column)
        shown.append((exported, convert(exported, value, member.pk)[1]))
    return shown


def _human(value: Any) -> str:
    if value is None:
        return ""
    machine = _machine(value)
    return machine if isinstance(machine, str) else json.dumps(machine, ensure_ascii=False)


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


def _copy_files(context: _Context) -> None:
    context.files_out.seek(0)
    for line in context.files_out:
        field_name, label, name, path = json.loads(line)
        storage = apps.get_model(label)._meta.get_field(field_name).storage
        with storage.open(name, "rb") as source, _entry(context.zip_file, path) as entry:
            shutil.copyfileobj(source, entry, 1 << 16)
        context.summary.files += 1


# --- The human-readable page -----------------------------------------------------------


def _html_row(section: Section, cells: list[str], vertical: bool) -> str:
    if vertical:
        return "".join(
            f'<tr><th scope="row">{html.escape(f.label)}</th><td>{cell}</td></tr>\n'
            for f, cell in zip(section.fields, cells, strict=True)
        )
    return "<tr><td>" + "</td><td>".join(cells) + "</td></tr>\n"


@dataclass(frozen=True)
class PurposeOverview:
    purpose: Purpose
    sections: list[Section]
    categories: list[Category]


def _purposes_overview(sections: list[Section]) -> list[PurposeOverview]:
    """Each purpose, with the records and categories used for it."""
    overview = []
    for purpose in purposes_used(sections):
        used = [s for s in sections if purpose.id in s.declaration.purpose_ids]
        found: dict[str, Category] = {}
        for section in used:
            for personal in section.declaration.fields.values():
                if purpose.id in personal.purposes:
                    found.setdefault(personal.category.key, personal.category)
        overview.append(PurposeOverview(purpose, used, list(found.values())))
    return overview


def _by_situation(sections: list[Section]) -> list[tuple[Situation, list[Section]]]:
    """Records grouped by the situation of the clause's §1 in which they were collected."""
    grouped: dict[str, tuple[Situation, list[Section]]] = {}
    for section in sections:
        situation = section.situation
        grouped.setdefault(situation.key, (situation, []))[1].append(section)
    order = {s.key: i for i, s in enumerate(SITUATIONS)}
    return sorted(grouped.values(), key=lambda pair: order.get(pair[0].key, len(order)))
