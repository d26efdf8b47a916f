"""Which fields of a declaration the export gives, and how each stored value reads:
for data.json (machine) and for the page (people)."""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .. import categories, registry
from ..categories import Category, Situation
from ..declarations import Declaration, Personal
from ..purposes import PURPOSES, Purpose
from ..recipients import Recipient

# Machine-readable stand-ins (data.json is not translated; index.html is).
SELF = "self"


ANOTHER_MEMBER = "another member"


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


@dataclass(frozen=True)
class Scope:
    """What a scoped export may hold (S5 disclosures, S6 transfers): category keys, and
    dates from ``since`` (included) to ``until`` (excluded); None leaves a side open.
    Only the fields of those categories go out, and, for records that carry a date
    (``Privacy.timestamp``), only those dated within the range. Records without a
    date (the account itself) describe the member as they are, and are included
    when their categories are."""

    categories: frozenset[str]
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None

    def fields(self, found: list[ExportedField]) -> list[ExportedField]:
        return [
            f for f in found if f.personal is None or f.personal.category.key in self.categories
        ]

    def rows(self, declaration: Declaration, rows: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if declaration.timestamp is None:
            return rows
        if self.since is not None:
            rows = rows.filter(**{f"{declaration.timestamp}__gte": self.since})
        if self.until is not None:
            rows = rows.filter(**{f"{declaration.timestamp}__lt": self.until})
        return rows


@dataclass
class Section:
    """One declared model's part of the export."""

    declaration: Declaration
    fields: list[ExportedField]
    count: int = 0
    scope: Scope | None = None

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
        if self.scope is not None:
            queryset = self.scope.rows(self.declaration, queryset)
        if not queryset.ordered:
            queryset = queryset.order_by("pk")
        return queryset


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


def plan(member: models.Model, scope: Scope | None = None) -> list[Section]:
    """Every declared model, with the number of the member's records in it; with a
    scope, only the models with a field in its categories, and their fields in it."""
    sections = []
    for declaration in registry.declarations():
        fields = exported_fields(declaration)
        if scope is not None:
            fields = scope.fields(fields)
            if all(f.personal is None for f in fields):
                continue
        section = Section(declaration, fields, scope=scope)
        section.count = section.queryset(member).count()
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


Converter = Callable[[Any], tuple[Any, str]]


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
