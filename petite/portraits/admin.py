"""Portraits in the back-office: the display name only.

The address stays out of the back-office (R1.3): no staff task needs it. What is
shown (the display name) follows the viewer's role or provider (S4), and every
look is written to the access log. Staff cannot add, change or delete Portraits
here: only the owner can.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from petite.privacy.admin_access import AccessControlledAdmin

from .models import Portrait


@admin.register(Portrait)
class PortraitAdmin(AccessControlledAdmin[Portrait]):
    list_display = ("display_name", "updated_at")
    fields = ("display_name", "updated_at")
    readonly_fields = fields
    search_fields = ("display_name",)
    ordering = ("-updated_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Portrait | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Portrait | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Portrait]:
        # Load only what is shown: the address is decrypted for change pages only.
        return (
            super()
            .get_queryset(request)
            .only(
                "id",
                "member",
                "display_name",
                "updated_at",
                "street",
                "postcode",
                "city",
                "country",
            )
        )
