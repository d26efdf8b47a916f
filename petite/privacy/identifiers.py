"""The values that identify a member, collected before an erasure for the scan (U5).

Before the erasure, :func:`collect_identifiers` reads the
values of the member's declared fields in the categories that identify a person
(identity, contact details, postal address), decrypted: names, e-mail addresses,
address lines. Values shorter than three characters are left out (a two-letter
country code would be found everywhere). So is a value that another record not
about the member also holds in one of those fields (another Alice, a neighbour's
street, a shared city): finding it would prove nothing about this member, and the
scan would report other people's data. Only counts of what was left out are kept.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from cryptography.fernet import InvalidToken
from django.db import models
from django.db.models import ExpressionWrapper, F, Q, TextField

from petite.core import crypto
from petite.core.fields import EncryptedTextField

from . import categories, registry
from .declarations import Declaration

IDENTIFYING_CATEGORIES = frozenset(
    {categories.IDENTITY.key, categories.CONTACT.key, categories.POSTAL_ADDRESS.key}
)


MIN_IDENTIFIER_LENGTH = 3


DECRYPT_CHUNK = 2000


def _normalise(value: str) -> str:
    return " ".join(value.split()).lower()


@dataclass
class Identifiers:
    """The values to look for. Held in memory during one erasure, never stored."""

    values: set[str] = field(default_factory=set)
    categories: Counter[str] = field(default_factory=Counter)
    shared: int = 0

    def add(self, value: str, category: str) -> None:
        for line in value.splitlines():
            normalised = _normalise(line)
            # A value without a letter (a postcode, a house number) identifies nobody
            # on its own and matches unrelated numbers (another member's address or
            # e-mail), so the scan would report other people's data.
            if not any(character.isalpha() for character in normalised):
                continue
            if len(normalised) >= MIN_IDENTIFIER_LENGTH and normalised not in self.values:
                self.values.add(normalised)
                self.categories[category] += 1

    def pattern(self) -> re.Pattern[str] | None:
        if not self.values:
            return None
        # Longest first, so that a name inside an e-mail address does not stop the
        # alternation before the address itself.
        words = "|".join(re.escape(v) for v in sorted(self.values, key=len, reverse=True))
        # Whitespace inside an identifier matches any run of whitespace.
        words = words.replace(r"\ ", r"\s+")
        # Whole words: not inside a longer word, but "_" and punctuation separate
        # ("0001_vandersteen", "vandersteen.png").
        return re.compile(rf"(?<![^\W_])(?:{words})(?![^\W_])", re.IGNORECASE)

    def summary(self) -> dict[str, Any]:
        return {
            "searched": len(self.values),
            "by_category": dict(sorted(self.categories.items())),
            "shared_not_searched": self.shared,
        }


def _identifying_fields(declaration: Declaration) -> list[tuple[str, str]]:
    found = []
    for name, personal in declaration.fields.items():
        if personal.category.key not in IDENTIFYING_CATEGORIES:
            continue
        model_field = declaration.model._meta.get_field(name)
        if isinstance(model_field, (models.CharField, models.TextField)):
            found.append((name, personal.category.key))
    return found


def collect_identifiers(member: models.Model) -> Identifiers:
    """The member's identifying values, read from the registry before they are erased."""
    identifiers = Identifiers()
    email = str(getattr(member, "email", "") or "")
    if email:
        identifiers.add(email, categories.CONTACT.key)
    declared = [(d, _identifying_fields(d)) for d in registry.declarations()]
    declared = [(d, fields) for d, fields in declared if fields]
    for declaration, fields in declared:
        rows = declaration.model._base_manager.filter(declaration.subject_filter(member))
        names = [name for name, _category in fields]
        for row in rows.values_list(*names):
            for (_name, category), value in zip(fields, row, strict=True):
                if isinstance(value, str):
                    identifiers.add(value, category)
    shared = _held_by_others(member, declared, identifiers.values)
    identifiers.values -= shared
    identifiers.shared = len(shared)
    return identifiers


def _held_by_others(
    member: models.Model,
    declared: list[tuple[Declaration, list[tuple[str, str]]]],
    values: set[str],
) -> set[str]:
    """Which of ``values`` a record not about the member holds in an identifying field."""
    shared: set[str] = set()
    if not values:
        return shared
    for declaration, fields in declared:
        others = declaration.model._base_manager.exclude(declaration.subject_filter(member))
        for name, _category in fields:
            model_field = declaration.model._meta.get_field(name)
            if isinstance(model_field, EncryptedTextField):
                held = _decrypted_values(others, model_field)
            else:
                wanted = reduce(or_, (Q(**{f"{name}__iexact": v}) for v in values))
                held = others.filter(wanted).values_list(name, flat=True).iterator()
            for value in held:
                if not isinstance(value, str):
                    continue
                for line in [value, *value.splitlines()]:
                    if _normalise(line) in values:
                        shared.add(_normalise(line))
    return shared


def _decrypted_values(rows: models.QuerySet[Any], model_field: EncryptedTextField) -> Iterator[str]:
    for _pk, value in decrypt_column(rows, model_field):
        if value is not None:
            yield value


def decrypt_column(
    rows: models.QuerySet[Any], model_field: EncryptedTextField
) -> Iterator[tuple[Any, str | None]]:
    """(pk, plaintext) of every non-empty value; plaintext None when no key opens it.

    The stored tokens are read as plain text (skipping the field's own decryption,
    which would stop at the first bad token) and decrypted one by one.
    """
    attname = model_field.attname
    raw = ExpressionWrapper(F(attname), output_field=TextField())
    tokens = (
        rows.exclude(**{f"{attname}__isnull": True})
        .exclude(**{attname: ""})
        .annotate(_scan_token=raw)
        .values_list("pk", "_scan_token")
        .order_by()
    )
    for pk, token in tokens.iterator(chunk_size=DECRYPT_CHUNK):
        try:
            yield pk, crypto.decrypt(token)
        except (InvalidToken, UnicodeError, ValueError):
            yield pk, None
