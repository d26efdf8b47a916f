"""The back-office for third-party apps: staff register apps; members' tokens stay private.

django-oauth-toolkit registers its models with the admin classes its settings name
(``OAUTH2_PROVIDER["..._ADMIN_CLASS"]``): :class:`ApplicationAdmin` for apps, and
:class:`HiddenAdmin` for codes and tokens, which staff have no reason to browse.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member

from . import actions
from .models import Application


class ApplicationAdmin(admin.ModelAdmin[Application]):
    list_display = ("name", "owner", "client_type", "authorised_members", "created")
    list_filter = ("client_type",)
    search_fields = ("name", "owner", "client_id")
    readonly_fields = ("client_id", "created", "updated")
    fieldsets = (
        (None, {"fields": ("name", "owner", "description", "website", "privacy_policy_url")}),
        (
            _("OAuth"),
            {
                "fields": ("client_type", "redirect_uris", "client_id", "client_secret"),
                "description": _(
                    "Authorisation code with PKCE (S256) only. A public client (a mobile or "
                    "browser app) has no secret; a confidential client (a server) copies its "
                    "secret now: it is stored hashed and cannot be shown again."
                ),
            },
        ),
        (_("Record"), {"fields": ("created", "updated")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        return super().get_queryset(request).annotate(authorised_count=Count("authorisations"))

    @admin.display(description=_("authorised by"), ordering="authorised_count")
    def authorised_members(self, obj: Application) -> int:
        return int(getattr(obj, "authorised_count", 0))

    def get_readonly_fields(self, request: HttpRequest, obj: Application | None = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None:
            # The secret is hashed once saved: it can be replaced, never read back.
            return (*fields, "client_secret")
        return fields

    def save_model(self, request: HttpRequest, obj: Application, form: Any, change: bool) -> None:
        actor = request.user if isinstance(request.user, Member) else None
        actions.save_application(application=obj, actor=actor, created=not change)


class HiddenAdmin(admin.ModelAdmin[Model]):
    """Registered but out of reach: members' codes and tokens are nobody else's business."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
