"""How a model declares the personal data it holds.

A model that holds personal data carries an inner ``class Privacy``::

    class Portrait(models.Model):
        member = models.OneToOneField(settings.AUTH_USER_MODEL, ...)
        bio = models.TextField(blank=True)

        class Privacy:
            subject = "member"                      # path to the member it is about
            fields = {
                "bio": Personal(categories.PORTRAIT, ["P1"], Erasure.DELETE),
            }
            technical = ["id", "member", "updated_at"]  # fields that say nothing new

Third-party models are registered with the same shape from the app that
integrates them: ``privacy.register(EmailAddress, EmailAddressPrivacy)``.
Every engine (export, erasure, retention, the notice) reads these declarations
through :mod:`petite.privacy.registry`; none knows an app by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from . import purposes as purposes_module
from .areas import Area
from .categories import Category
from .purposes import Purpose, Retention


class Erasure(StrEnum):
    """What erasing the member does to a field."""

    DELETE = "delete"  # the whole row goes
    BLANK = "blank"  # the value becomes empty ("" or NULL)
    ANONYMISE = "anonymise"  # the value is replaced by a non-identifying one
    KEEP = "keep"  # kept under a legal retention, then purged by the retention engine


@dataclass(frozen=True)
class Personal:
    """The classification of one field that holds personal data."""

    category: Category
    purposes: Sequence[str]
    erasure: Erasure
    # Why the law makes us keep it (required with Erasure.KEEP).
    kept_because: Promise | None = None

    @property
    def purpose_objects(self) -> list[Purpose]:
        return [purposes_module.PURPOSES[p] for p in self.purposes if p in purposes_module.PURPOSES]


@dataclass
class Declaration:
    """One model's declaration, normalised from its ``Privacy`` class."""

    model: type[models.Model]
    subject: str | None
    fields: dict[str, Personal]
    technical: tuple[str, ...] = ()
    # A field holding the member's e-mail address, for records about a member
    # that carry no foreign key (a visitor who later opened an account, lockouts).
    subject_email: str | None = None
    # The field whose date starts the retention clock.
    timestamp: str | None = None
    retention_override: Retention | None = None
    # Shown in the notice for models that are only linked indirectly (sessions).
    note: Promise | None = None
    # The URL name of the page where the member changes or removes this model's
    # data themselves ("Your data" links to it); None when only a request can.
    manage_url: str | None = None
    # Paths to other members this row was given to (the recipient of a message):
    # their copy of their data (Art. 15) includes the row, but it stays the
    # subject's data, so erasing a recipient does not touch it.
    shared_with: tuple[str, ...] = ()
    # What a member reads: a name and one sentence (EN+FR), and the "Your data" area.
    member_label: Promise | None = None
    member_description: Promise | None = None
    area: Area | None = None
    # ``hidden(now) -> Q``: the rows the member may not see yet (a disclosure under a
    # court's non-disclosure order). "Your data" and the export leave them out; the
    # erasure and retention engines, which read every row, do not.
    hidden: Callable[[datetime], Q] | None = None
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_class(cls, model: type[models.Model], spec: type) -> Declaration:
        return cls(
            model=model,
            subject=getattr(spec, "subject", None),
            fields=dict(getattr(spec, "fields", {})),
            technical=tuple(getattr(spec, "technical", ())),
            subject_email=getattr(spec, "subject_email", None),
            timestamp=getattr(spec, "timestamp", None),
            retention_override=getattr(spec, "retention", None),
            note=getattr(spec, "note", None),
            manage_url=getattr(spec, "manage_url", None),
            shared_with=tuple(getattr(spec, "shared_with", ())),
            member_label=getattr(spec, "label", None),
            member_description=getattr(spec, "description", None),
            area=getattr(spec, "area", None),
            hidden=getattr(spec, "hidden", None),
        )

    @property
    def label(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.object_name}"

    @property
    def verbose_name(self) -> Any:
        """The name members read (export, notice, "Your data", delete page, receipts)."""
        if self.member_label is not None:
            return self.member_label
        return self.model._meta.verbose_name_plural

    @cached_property
    def purpose_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for personal in self.fields.values():
            for purpose_id in personal.purposes:
                seen.setdefault(purpose_id, None)
        return list(seen)

    @property
    def purposes(self) -> list[Purpose]:
        return [
            purposes_module.PURPOSES[p] for p in self.purpose_ids if p in purposes_module.PURPOSES
        ]

    @property
    def categories(self) -> list[Category]:
        seen: dict[str, Category] = {}
        for personal in self.fields.values():
            seen.setdefault(personal.category.key, personal.category)
        return list(seen.values())

    @property
    def retention(self) -> Retention:
        """The row's retention: declared, or the shortest fixed period its purposes
        share; a record that serves an account-lifetime purpose lives with the account."""
        if self.retention_override is not None:
            return self.retention_override
        periods = [p.retention for p in self.purposes]
        if periods and all(r.days_setting for r in periods):
            return min(periods, key=lambda r: r.days or 0)
        return Retention.account_lifetime()

    @property
    def deletes_rows(self) -> bool:
        return any(p.erasure is Erasure.DELETE for p in self.fields.values())

    def subject_filter(self, member: models.Model) -> Q:
        """The condition that selects this model's rows about ``member``."""
        condition = Q(pk__in=[])
        if self.subject == "":
            condition |= Q(pk=member.pk)
        elif self.subject:
            condition |= Q(**{self.subject: member.pk})
        if self.subject_email:
            email = getattr(member, "email", "")
            if email:
                condition |= Q(**{f"{self.subject_email}__iexact": email})
        return condition

    def queryset_for(self, member: models.Model) -> QuerySet[Any]:
        """The rows the member sees in "Your data" and their export: those about
        them, and those given to them (``shared_with``)."""
        condition = self.subject_filter(member)
        rows = self.model._default_manager.filter(condition)
        if self.shared_with:
            for path in self.shared_with:
                condition |= Q(**{path: member.pk})
            rows = self.model._default_manager.filter(condition).distinct()
        if self.hidden is not None:
            rows = rows.exclude(self.hidden(timezone.now()))
        return rows

    def concrete_field_names(self) -> list[str]:
        return [
            f.name
            for f in self.model._meta.get_fields()
            if f.concrete or (f.many_to_many and not f.auto_created)
        ]

    def unclassified(self) -> list[str]:
        classified = set(self.fields) | set(self.technical)
        return [name for name in self.concrete_field_names() if name not in classified]
