"""Portraits in the back-office: the display name only.

The address (and the rest of the Portrait) stays out of the back-office: no
staff task needs it yet, and a later issue that grants access will log each
view (S4). Staff cannot add, change or delete Portraits here: only the owner can.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Portrait


@admin.register(Portrait)
class PortraitAdmin(admin.ModelAdmin[Portrait]):
    list_display = ("display_name", "updated_at")
    fields = ("display_name", "updated_at")
    readonly_fields = ("display_name", "updated_at")
    search_fields = ("display_name",)
    ordering = ("-updated_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Portrait | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Portrait | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Portrait]:
        # Load only what is shown: the encrypted columns are never read here.
        return super().get_queryset(request).only("id", "display_name", "updated_at")
