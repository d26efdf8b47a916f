"""The inventory: every model that holds personal data, built once at start-up.

Models declare themselves with an inner ``class Privacy``; third-party models
are added with :func:`register` from the ``ready()`` of the app that integrates
them. The registry is what export, erasure, retention and the notice read.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models

from .declarations import Declaration

_registered: dict[type[models.Model], type] = {}


def register(model: type[models.Model], spec: type) -> None:
    """Declare a model we do not own, with the same shape as an inner ``Privacy``."""
    _registered[model] = spec


def declaration_for(model: type[models.Model]) -> Declaration | None:
    spec = _registered.get(model) or getattr(model, "Privacy", None)
    if spec is None:
        return None
    return Declaration.from_class(model, spec)


def declarations() -> list[Declaration]:
    """Every declared model, in a stable order (app label, model name)."""
    found = []
    for model in apps.get_models():
        declaration = declaration_for(model)
        if declaration is not None:
            found.append(declaration)
    return sorted(found, key=lambda d: d.label)


def is_member_model(model: type[models.Model] | str | None) -> bool:
    if model is None:
        return False
    if isinstance(model, str):
        return model.lower() == settings.AUTH_USER_MODEL.lower()
    return model._meta.label_lower == settings.AUTH_USER_MODEL.lower()


def is_member_linked(model: type[models.Model]) -> bool:
    """The member model itself, or a model with a relation to it."""
    if is_member_model(model):
        return True
    return any(
        (f.is_relation and f.concrete and is_member_model(f.related_model))
        or (f.many_to_many and not f.auto_created and is_member_model(f.related_model))
        for f in model._meta.get_fields()
    )
