"""Back-office helpers shared by the apps' admins."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import Action, ActionLocation
from django.http import HttpRequest
from django.template.response import TemplateResponse


class ReadOnlyAdmin[M: Any](admin.ModelAdmin[M]):
    """Records the platform writes itself: staff may read them, never add, edit or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline[M: Any, P: Any](admin.TabularInline[M, P]):
    """The same rule for rows shown inside another record's page."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def action_page(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    obj: Any,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    danger: bool = False,
    template: str = "admin/petite/action.html",
    **context: Any,
) -> TemplateResponse:
    """A page with one form acting on ``obj`` (a refund, a deadline extension, an
    effective date), in the admin's layout, with a way back to the object."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": title,
            "original": obj,
            "form": form,
            "media": model_admin.media + form.media,
            "submit_label": submit,
            "danger": danger,
            **context,
        },
    )


# --- Actions other apps offer on a model's back-office list -----------------------------

AdminAction = Any
_extra_actions: dict[str, list[tuple[str, AdminAction]]] = {}


def offer_action(model_label: str, name: str, action: AdminAction) -> None:
    """Offer ``action`` on the list of ``model_label`` ("contact.contactmessage") from
    another app's ``ready()``, without either app importing the other."""
    entries = _extra_actions.setdefault(model_label.lower(), [])
    if all(existing != name for existing, _ in entries):
        entries.append((name, action))


def offered_actions(model_admin: admin.ModelAdmin[Any], request: HttpRequest) -> dict[str, Any]:
    """The offered actions, in the shape ``ModelAdmin.get_actions`` returns (list pages)."""
    found = {}
    for name, action in _extra_actions.get(model_admin.model._meta.label_lower, []):
        description = getattr(action, "short_description", name)
        found[name] = Action(
            func=action,
            name=name,
            description=description,
            plural_description=description,
            locations=[ActionLocation.CHANGE_LIST],
        )
    return found
