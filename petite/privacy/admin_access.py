"""The back-office half of limited access (S4): a mixin every app's ModelAdmin uses.

``class MemberAdmin(AccessControlledAdmin, admin.ModelAdmin[Member])`` makes the
page show only what the viewer may see (:func:`petite.privacy.access.viewer_for`):
list columns, search fields, filters, query-string lookups, change-form fields,
inlines and the CSV export all drop fields whose data category the viewer's role
or provider does not allow; a model whose purposes a provider does not serve is
not shown to its agents at all. A field its provider may see "when needed" is
replaced by a *Reveal* link: the agent names the request it serves, the value is
shown and the reveal is logged. Every list and change page that shows a member's
personal data writes to the access log, coalesced per hour.
"""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from petite.core import audit

from . import access
from .events import Event
from .registry import declaration_for

REASON_PARAMETER = "for"


def _field_name(entry: Any) -> str | None:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, (list, tuple)) and entry and isinstance(entry[0], str):
        return entry[0]
    return None


class _Limited:
    """What list pages and forms share: the viewer, and which fields it sees."""

    model: Any
    # Callables and computed columns: the category each one shows.
    privacy_field_categories: dict[str, str] = {}

    def viewer(self, request: HttpRequest) -> access.Viewer:
        return access.viewer_for(request.user)

    def category_of(self, name: str) -> str | None:
        if name in self.privacy_field_categories:
            return self.privacy_field_categories[name]
        return access.field_category(self.model, name)

    def shows(self, request: HttpRequest, name: str) -> bool:
        return self.viewer(request).may_see(self.category_of(name))

    def revealable(self, request: HttpRequest, name: str) -> bool:
        viewer = self.viewer(request)
        category = self.category_of(name)
        return not viewer.may_see(category) and viewer.may_reveal(category)

    def serves(self, request: HttpRequest) -> bool:
        declaration = declaration_for(self.model)
        if declaration is None:
            return True
        return self.viewer(request).serves(declaration.purpose_ids)

    def _filter_fieldsets(self, request: HttpRequest, fieldsets: Any) -> list[Any]:
        kept = []
        for title, options in fieldsets:
            names = []
            for entry in options.get("fields", ()):
                if isinstance(entry, (list, tuple)):
                    row = tuple(n for n in entry if self.shows(request, n))
                    if row:
                        names.append(row)
                elif self.shows(request, entry):
                    names.append(entry)
            if names:
                kept.append((title, {**options, "fields": names}))
        return kept


class AccessControlledAdmin[M: models.Model](_Limited, admin.ModelAdmin[M]):
    change_form_template = "admin/privacy/change_form.html"
    actions = ["export_csv"]

    # --- Who may open it at all -------------------------------------------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.serves(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.serves(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.serves(request) and super().has_change_permission(request, obj)

    # --- Lists ------------------------------------------------------------------

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = [
            e
            for e in super().get_list_display(request)
            if not isinstance(e, str) or self.shows(request, e)
        ]
        return shown or ["__str__"]

    def get_list_display_links(self, request: HttpRequest, list_display: Any) -> Any:
        links = super().get_list_display_links(request, list_display)
        if links is None:
            return None
        kept = [name for name in links if name in list_display]
        return kept or list(list_display)[:1]

    def get_search_fields(self, request: HttpRequest) -> Any:
        return [name for name in super().get_search_fields(request) if self.shows(request, name)]

    def get_list_filter(self, request: HttpRequest) -> Any:
        kept = []
        for entry in super().get_list_filter(request):
            name = _field_name(entry)
            if name is None or self.shows(request, name):
                kept.append(entry)
        return kept

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        if not self.shows(request, lookup.split("__in")[0].split("__exact")[0]):
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        if changelist is not None:
            shown = {
                self.category_of(e)
                for e in changelist.list_display
                if isinstance(e, str) and e not in ("action_checkbox", "__str__")
            }
            categories = sorted(c for c in shown if c is not None)
            if categories:
                access.record_many(
                    self.viewer(request),
                    access.subject_ids(changelist.result_list, self.model),
                    categories,
                    self.access_reason(request),
                )
        return response

    # --- Forms ------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self._filter_fieldsets(request, super().get_fieldsets(request, obj))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [n for n in super().get_readonly_fields(request, obj) if self.shows(request, n)]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        hidden = [
            f.name for f in self.model._meta.concrete_fields if not self.shows(request, f.name)
        ]
        # Passing ``exclude`` replaces the one Django builds (the admin's exclude and
        # read-only fields), so it is rebuilt here with the hidden fields added.
        kwargs["exclude"] = [
            *(kwargs.get("exclude") or self.exclude or ()),
            *self.get_readonly_fields(request, obj),
            *hidden,
        ]
        return super().get_form(request, obj, change, **kwargs)

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        kept: list[Any] = []
        for inline in super().get_inline_instances(request, obj):
            if isinstance(inline, AccessControlledInline):
                if inline.serves(request):
                    kept.append(inline)
                continue
            declaration = declaration_for(inline.model)
            viewer = self.viewer(request)
            if declaration is None or all(viewer.may_see(c.key) for c in declaration.categories):
                kept.append(inline)
        return kept

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if obj is not None:
            extra["privacy_revealable"] = [
                (self._label(name), name)
                for name in self._personal_fields()
                if self.revealable(request, name)
            ]
        response = super().change_view(request, object_id, form_url, extra)
        if (
            obj is not None
            and request.method == "GET"
            and getattr(response, "status_code", 0) == 200
        ):
            categories = sorted(
                {
                    c
                    for n in self._personal_fields()
                    if (c := self.category_of(n)) and self.shows(request, n)
                }
            )
            if categories:
                access.record_many(
                    self.viewer(request),
                    access.subject_ids([obj], self.model),
                    categories,
                    self.access_reason(request, obj),
                )
        return response

    def _personal_fields(self) -> list[str]:
        declaration = declaration_for(self.model)
        return list(declaration.fields) if declaration is not None else []

    def _label(self, name: str) -> str:
        try:
            return str(getattr(self.model._meta.get_field(name), "verbose_name", name))
        except Exception:
            return name

    def access_reason(self, request: HttpRequest, obj: Any = None) -> dict[str, str]:
        """Why the viewer looks: the case named in ``?for=``, else the page itself.
        An admin whose rows are themselves cases (help requests) says so here."""
        given = request.GET.get(REASON_PARAMETER, "")[:80]
        if given:
            return {"kind": "case", "reference": given}
        return {"kind": "back_office", "reference": str(self.model._meta.verbose_name_plural)}

    # --- Reveal -----------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        info = (self.model._meta.app_label, self.model._meta.model_name)
        return [
            path(
                "<path:object_id>/reveal/<str:field>/",
                self.admin_site.admin_view(self.reveal_view),
                name="{}_{}_reveal".format(*info),
            ),
            *super().get_urls(),
        ]

    def reveal_view(self, request: HttpRequest, object_id: str, field: str) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        if field not in self._personal_fields() or not self.revealable(request, field):
            raise PermissionDenied
        form = RevealForm(request.POST or None)
        value = None
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            category = self.category_of(field)
            access.record_many(
                self.viewer(request),
                access.subject_ids([obj], self.model),
                [category] if category else [],
                {"kind": "reveal", "reference": reason},
                revealed=True,
            )
            staff = request.user if isinstance(request.user, AbstractBaseUser) else None
            audit.record(Event.FIELD_REVEALED, actor=staff, target=obj, field=field, reason=reason)
            value = getattr(obj, field)
        return TemplateResponse(
            request,
            "admin/privacy/reveal.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                "title": _("Reveal %(field)s") % {"field": self._label(field)},
                "form": form,
                "value": value,
                "field_label": self._label(field),
            },
            status=200 if request.method == "GET" or value is not None else 400,
        )

    # --- Export -----------------------------------------------------------------

    @admin.action(description=_("Export the selected rows (CSV, visible fields only)"))
    def export_csv(self, request: HttpRequest, queryset: Any) -> HttpResponse:
        names = [
            f.name
            for f in self.model._meta.concrete_fields
            if self.shows(request, f.name) and not f.name.startswith("password")
        ]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.model._meta.model_name}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(names)
        rows = list(queryset)
        for row in rows:
            writer.writerow(
                [
                    getattr(row, f"{n}_id", None)
                    if self.model._meta.get_field(n).is_relation
                    else getattr(row, n)
                    for n in names
                ]
            )
        categories = sorted({c for n in names if (c := self.category_of(n))})
        if categories:
            access.record_many(
                self.viewer(request),
                access.subject_ids(rows, self.model),
                categories,
                {"kind": "export", "reference": str(self.model._meta.verbose_name_plural)},
            )
        return response


class AccessControlledInline[M: models.Model, P: models.Model](_Limited, admin.TabularInline[M, P]):
    """An inline that shows only the fields the viewer may see."""

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self._filter_fieldsets(request, super().get_fieldsets(request, obj))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [n for n in super().get_readonly_fields(request, obj) if self.shows(request, n)]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        hidden = [
            f.name for f in self.model._meta.concrete_fields if not self.shows(request, f.name)
        ]
        kwargs["exclude"] = [
            *(kwargs.get("exclude") or self.exclude or ()),
            *self.get_readonly_fields(request, obj),
            *hidden,
        ]
        return super().get_formset(request, obj, **kwargs)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("The request this serves"),
        help_text=_("The help request, data request or case number you are working on."),
        min_length=2,
        max_length=80,
    )
