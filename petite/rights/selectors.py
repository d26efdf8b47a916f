"""Reads for the "Your data" page (U1): what is held about the member, grouped by purpose.

Everything comes from the registry (:func:`petite.privacy.registry.declarations`)
and each declaration's ``queryset_for(member)``: a model declared tomorrow shows
up here with no change to this module or its template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst

from petite.privacy import export, registry
from petite.privacy.categories import CATEGORIES, Category
from petite.privacy.declarations import Declaration
from petite.privacy.purposes import PURPOSES, Purpose
from petite.privacy.wording import semicolon

from .models import DataExport


@dataclass
class Holding:
    """One declared model's records about the member."""

    declaration: Declaration
    count: int
    # For models with at most one record per member: each personal field's
    # name, label, category and value as the member may see it.
    values: list[tuple[str, str, Category, str]] | None
    manage_href: str

    @property
    def name(self) -> str:
        # "Member" and "Portrait" for the one record of its kind, "Connection log" for many.
        meta = self.declaration.model._meta
        return capfirst(
            str(meta.verbose_name if self.values is not None else meta.verbose_name_plural)
        )

    @property
    def anchor(self) -> str:
        return "held-" + self.declaration.label.replace(".", "-").lower()


@dataclass
class RecordUse:
    """What one purpose uses of one model, in one category."""

    holding: Holding
    field_labels: list[str]
    values: list[tuple[str, str]] | None


@dataclass
class CategoryUse:
    category: Category
    records: list[RecordUse] = field(default_factory=list)


@dataclass
class PurposeUse:
    purpose: Purpose
    categories: list[CategoryUse] = field(default_factory=list)

    @property
    def recipients(self) -> str:
        return semicolon().join(str(r.name) for r in self.purpose.recipients)


def is_single_record(declaration: Declaration) -> bool:
    """At most one record per member: the member model, or a one-to-one link to it."""
    if declaration.subject == "":
        return True
    if not declaration.subject or "__" in declaration.subject or declaration.subject_email:
        return False
    link = declaration.model._meta.get_field(declaration.subject)
    return bool(link.one_to_one or getattr(link, "unique", False))


def manage_href(declaration: Declaration) -> str:
    if not declaration.manage_url:
        return ""
    try:
        return reverse(declaration.manage_url)
    except NoReverseMatch:
        return ""


def holding(declaration: Declaration, member: models.Model) -> Holding:
    queryset: QuerySet[Any] = declaration.queryset_for(member)
    count = queryset.count()
    values = None
    if is_single_record(declaration):
        values = []
        record = queryset.first()
        if record is not None:
            for exported, text in export.readable(declaration, record, member):
                assert exported.personal is not None
                values.append((exported.name, exported.label, exported.personal.category, text))
    return Holding(declaration, count, values, manage_href(declaration))


def holdings(member: models.Model) -> list[Holding]:
    return [holding(d, member) for d in registry.declarations()]


def by_purpose(found: list[Holding]) -> list[PurposeUse]:
    """Every purpose some declaration serves, in the clause's order; within it each
    category, then each model with the fields (and values) used for that purpose."""
    uses: dict[str, PurposeUse] = {}
    for item in found:
        declaration = item.declaration
        labels = {exported.name: exported.label for exported in export.exported_fields(declaration)}
        for purpose in declaration.purposes:
            use = uses.setdefault(purpose.id, PurposeUse(purpose))
            in_purpose = {
                name: personal
                for name, personal in declaration.fields.items()
                if purpose.id in personal.purposes
            }
            by_category: dict[str, tuple[Category, list[str]]] = {}
            for name, personal in in_purpose.items():
                by_category.setdefault(personal.category.key, (personal.category, []))[1].append(
                    name
                )
            for category, names in by_category.values():
                category_use = next(
                    (c for c in use.categories if c.category.key == category.key), None
                )
                if category_use is None:
                    category_use = CategoryUse(category)
                    use.categories.append(category_use)
                field_labels = [labels[name] for name in names if name in labels]
                values = None
                if item.values is not None:
                    values = [
                        (label, text)
                        for name, label, _category, text in item.values
                        if name in names
                    ]
                category_use.records.append(RecordUse(item, field_labels, values))
    order = list(PURPOSES)
    known = list(CATEGORIES)
    for use in uses.values():
        use.categories.sort(
            key=lambda c: known.index(c.category.key) if c.category.key in known else len(known)
        )
    return sorted(uses.values(), key=lambda u: order.index(u.purpose.id))


def member_exports(member: Any) -> QuerySet[DataExport]:
    return DataExport.objects.filter(member=member).order_by("-created_at")
