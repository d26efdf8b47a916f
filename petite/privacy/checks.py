"""System checks that keep the inventory complete (``manage.py check``).

privacy.E001  a model linked to a member has no declaration
privacy.E002  a field of a declared model is not classified
privacy.E003  a declaration names an unknown purpose
privacy.E004  an erasure strategy cannot work on its field
privacy.E005  a declaration names a field the model does not have
privacy.E006  the subject path does not lead to the member
privacy.E007  a fixed retention period without a date or date-time timestamp field
privacy.E008  a field kept under legal retention without a reason
privacy.E009  a declared cookie or file store names an unknown purpose or category
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from . import registry, stores
from .categories import CATEGORIES, Category
from .declarations import Declaration, Erasure, Personal
from .purposes import PURPOSES


@checks.register("privacy")
def check_inventory(
    app_configs: Sequence[Any] | None = None,
    models_to_check: Iterable[type[models.Model]] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    if models_to_check is None:
        if app_configs is None:
            models_to_check = apps.get_models()
        else:
            models_to_check = [m for config in app_configs for m in config.get_models()]
    errors: list[checks.CheckMessage] = []
    for model in models_to_check:
        declaration = registry.declaration_for(model)
        if declaration is None:
            if registry.is_member_linked(model):
                errors.append(
                    checks.Error(
                        f"{model._meta.label} is linked to a member but declares no Privacy.",
                        hint="Add an inner `class Privacy` (see petite/privacy/declarations.py) "
                        "or register it with petite.privacy.registry.register().",
                        obj=model,
                        id="privacy.E001",
                    )
                )
            continue
        errors.extend(check_declaration(declaration))
    return errors


def check_declaration(declaration: Declaration) -> list[checks.CheckMessage]:
    model = declaration.model
    errors: list[checks.CheckMessage] = []

    def error(message: str, code: str, hint: str | None = None) -> None:
        errors.append(
            checks.Error(f"{model._meta.label}: {message}", hint=hint, obj=model, id=code)
        )

    for name in declaration.unclassified():
        error(
            f"field '{name}' is not classified.",
            "privacy.E002",
            "Add it to Privacy.fields with its category, purposes and erasure, "
            "or to Privacy.technical if it holds no personal data.",
        )
    for name in [*declaration.fields, *declaration.technical]:
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            error(f"declares field '{name}', which the model does not have.", "privacy.E005")
    strategies = set()
    for name, personal in declaration.fields.items():
        if not isinstance(personal, Personal) or not isinstance(personal.category, Category):
            error(
                f"field '{name}' must be declared with Personal(category, purposes, erasure).",
                "privacy.E004",
            )
            continue
        if not personal.purposes:
            error(f"field '{name}' serves no purpose.", "privacy.E003")
        for purpose_id in personal.purposes:
            if purpose_id not in PURPOSES:
                error(f"field '{name}' names unknown purpose '{purpose_id}'.", "privacy.E003")
        strategies.add(personal.erasure)
        if personal.erasure is Erasure.KEEP and not personal.kept_because:
            error(f"field '{name}' is kept on erasure without a reason.", "privacy.E008")
        problem = _unworkable(model, name, personal.erasure)
        if problem:
            error(f"field '{name}': {problem}", "privacy.E004")
    if Erasure.DELETE in strategies and Erasure.KEEP in strategies:
        error(
            "mixes DELETE (the row goes) with KEEP (a field stays) on the same row.",
            "privacy.E004",
        )
    if declaration.subject is None and not declaration.subject_email and declaration.note is None:
        error("names no subject: say how its rows are tied to a member.", "privacy.E006")
    elif declaration.subject and not _leads_to_member(model, declaration.subject):
        error(
            f"subject path '{declaration.subject}' does not lead to the member model.",
            "privacy.E006",
        )
    elif declaration.subject == "" and not registry.is_member_model(model):
        error("subject '' is only for the member model itself.", "privacy.E006")
    for path in declaration.shared_with:
        if not _leads_to_member(model, path):
            error(f"shared_with path '{path}' does not lead to the member model.", "privacy.E006")
    if declaration.retention.days_setting and not declaration.timestamp:
        error(
            "has a fixed retention period but no Privacy.timestamp to count it from.",
            "privacy.E007",
        )
    if declaration.timestamp and not _is_date(model, declaration.timestamp):
        # The retention engine compares it with a cut-off date: anything else
        # would make the purge fail every night, or silently delete nothing.
        error(
            f"Privacy.timestamp '{declaration.timestamp}' is not a DateField or DateTimeField.",
            "privacy.E007",
        )
    return errors


def _is_date(model: type[models.Model], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return isinstance(field, models.DateField)  # DateTimeField is a DateField


def _unworkable(model: type[models.Model], name: str, erasure: Erasure) -> str | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if erasure is Erasure.BLANK and not (
        getattr(field, "null", False)
        or isinstance(field, (models.CharField, models.TextField, models.JSONField))
    ):
        return "BLANK needs a nullable field, a text field or a JSON field."
    if erasure is Erasure.ANONYMISE and not (
        getattr(field, "null", False)
        or isinstance(field, (models.CharField, models.TextField, models.GenericIPAddressField))
    ):
        return "ANONYMISE needs a text, IP address or nullable field."
    return None


def _leads_to_member(model: type[models.Model], path: str) -> bool:
    current: type[models.Model] | None = model
    for part in path.split("__"):
        if current is None:
            return False
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.is_relation:
            return False
        current = field.related_model
    return registry.is_member_model(current)


@checks.register("privacy")
def check_stores(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Cookies and file stores (privacy.stores) name real purposes and categories."""
    errors: list[checks.CheckMessage] = []
    declared: list[tuple[str, Iterable[str], str]] = [
        (f"cookie {c.name}", [c.purpose], "") for c in stores.cookies()
    ]
    declared += [(f"file store {s.key}", s.purposes, s.category) for s in stores.file_stores()]
    for what, purpose_ids, category in declared:
        unknown = [p for p in purpose_ids if p not in PURPOSES]
        if category and category not in CATEGORIES:
            unknown.append(category)
        if unknown:
            errors.append(
                checks.Error(
                    f"The {what} names an unknown purpose or category: {', '.join(unknown)}.",
                    hint="Use a purpose of privacy.purposes and a category key of privacy.categories.",
                    id="privacy.E009",
                )
            )
    return errors
