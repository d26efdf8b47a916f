"""The wording the published texts share (notice, record of processing, export page):
what the registry says, grouped for a reader, and how labels and lists are written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import stores
from .categories import CATEGORIES, SITUATIONS, Category
from .declarations import Declaration
from .document import (
    Inline,
    Link,
    Text,
    fmt,
)
from .purposes import PURPOSES, Purpose
from .recipients import Recipient
from .registry import declarations

# --- What the registry says, grouped for the reader ----------------------------------


@dataclass
class CategoryUse:
    """One data category as the notice tells it: where it is kept and what for."""

    category: Category
    # Record kind (a declaration) -> the verbose names of its fields in this category.
    records: dict[str, tuple[Declaration, list[str]]] = field(default_factory=dict)
    purpose_ids: set[str] = field(default_factory=set)

    @property
    def purposes(self) -> list[Purpose]:
        return [p for key, p in PURPOSES.items() if key in self.purpose_ids]


def category_uses(found: Iterable[Declaration] | None = None) -> list[CategoryUse]:
    """Every category some declaration uses, in the order categories are defined."""
    uses: dict[str, CategoryUse] = {}
    for declaration in found if found is not None else declarations():
        for name, personal in declaration.fields.items():
            use = uses.setdefault(personal.category.key, CategoryUse(personal.category))
            use.purpose_ids.update(personal.purposes)
            _, names = use.records.setdefault(declaration.label, (declaration, []))
            names.append(field_label(declaration.model, name))
    return sorted(uses.values(), key=lambda u: _category_order(u.category))


def _category_order(category: Category) -> tuple[int, int, str]:
    situation = SITUATIONS.index(category.situation) if category.situation in SITUATIONS else 99
    known = list(CATEGORIES)
    position = known.index(category.key) if category.key in known else len(known)
    return (situation, position, category.key)


def purposes_in_use(found: Iterable[Declaration]) -> set[str]:
    return {purpose_id for d in found for purpose_id in d.purpose_ids}


def recipients_by_purpose() -> list[tuple[Recipient, list[Purpose]]]:
    """Each recipient once, in the order the purposes first name them."""
    found: dict[str, tuple[Recipient, list[Purpose]]] = {}
    for purpose in PURPOSES.values():
        for recipient in purpose.recipients:
            found.setdefault(recipient.key, (recipient, []))[1].append(purpose)
    return list(found.values())


def record_name(declaration: Declaration) -> str:
    return capfirst(str(declaration.verbose_name))


def field_label(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def timestamp_name(declaration: Declaration) -> str:
    assert declaration.timestamp is not None
    return field_label(declaration.model, declaration.timestamp)


def url(name: str) -> str:
    """A page of the platform, or "" while the app that serves it is not installed."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def maybe_link(text: str, role: str) -> Link | str:
    """A link to the page an app registered for ``role`` (privacy.stores.page), else text."""
    name = stores.page_url_name(role)
    href = url(name) if name else ""
    return Link(text, href) if href else text


def names(purposes: Iterable[Purpose]) -> str:
    # Purpose names contain commas: a semicolon keeps them apart.
    return semicolon().join(str(p.name) for p in purposes)


def semicolon() -> str:
    return pgettext("list separator", "; ")


def labelled(label: Inline | Text, *text: Inline) -> Text:
    """ "Label: text", with the punctuation of the active language."""
    return fmt(_("%(label)s: %(text)s"), label=label, text=tuple(text))


def mail_link(address: str) -> Link:
    return Link(address, f"mailto:{address}")
