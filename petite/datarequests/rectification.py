"""Which of a member's fields staff may correct on request (U4), read from the registry.

A field qualifies when the privacy registry declares it as personal data of a
model that holds one row per member (the member itself, or a model whose
subject is a one-to-one link to the member, such as the Portrait), and it is a
piece of text the member gave. Everything else is left out on purpose:
credentials, the login e-mail address (allauth verifies a new one: the member
changes it in their account), relations, dates and flags kept by the platform.
A model declared later is offered here with no change to this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

from petite.accounts.models import Member
from petite.core.fields import EncryptedTextField
from petite.privacy import categories, registry
from petite.privacy.declarations import Declaration

_EXCLUDED_CATEGORIES = frozenset({categories.CREDENTIALS.key})


@dataclass(frozen=True)
class RectifiableField:
    declaration: Declaration
    field: models.Field[Any, Any]

    @property
    def key(self) -> str:
        """A stable name, "accounts.Member.first_name"."""
        return f"{self.declaration.label}.{self.field.name}"

    @property
    def model(self) -> type[models.Model]:
        return self.declaration.model

    @property
    def label(self) -> str:
        return f"{capfirst(self.model._meta.verbose_name)} · {self.field.verbose_name}"

    @property
    def encrypted(self) -> bool:
        return isinstance(self.field, EncryptedTextField)

    def instance_for(self, member: Member) -> models.Model | None:
        """The member's row holding this field, or None when they have none (no Portrait)."""
        subject = self.declaration.subject or "pk"
        return self.model._default_manager.filter(**{subject: member.pk}).first()


def _one_row_per_member(declaration: Declaration) -> bool:
    subject = declaration.subject
    if subject == "":
        return registry.is_member_model(declaration.model)
    if not subject or "__" in subject:
        return False
    try:
        link = declaration.model._meta.get_field(subject)
    except FieldDoesNotExist:
        return False
    return bool(
        link.is_relation
        and (link.one_to_one or getattr(link, "unique", False))
        and registry.is_member_model(link.related_model)
    )


def _is_rectifiable(declaration: Declaration, name: str) -> bool:
    personal = declaration.fields[name]
    if personal.category.key in _EXCLUDED_CATEGORIES:
        return False
    try:
        field = declaration.model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    if registry.is_member_model(declaration.model) and name == _login_field():
        return False
    return (
        isinstance(field, models.CharField | models.TextField)
        and field.concrete
        and field.editable
        and not field.is_relation
        and not field.primary_key
    )


def _login_field() -> str:
    return str(getattr(Member, "USERNAME_FIELD", "email"))


def rectifiable_fields() -> list[RectifiableField]:
    found = []
    for declaration in registry.declarations():
        if not _one_row_per_member(declaration):
            continue
        for name in declaration.fields:
            if _is_rectifiable(declaration, name):
                field = declaration.model._meta.get_field(name)
                assert isinstance(field, models.Field)
                found.append(RectifiableField(declaration, field))
    return found


def get(key: str) -> RectifiableField | None:
    return next((f for f in rectifiable_fields() if f.key == key), None)
