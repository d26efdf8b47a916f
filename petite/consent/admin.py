"""The consent ledger in the back-office: proof to read, never to edit."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import ConsentRecord


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin[ConsentRecord]):
    list_display = (
        "created_at",
        "action",
        "audience",
        "ads",
        "global_privacy_control",
        "member",
        "banner_version",
    )
    list_filter = ("action", "audience", "ads", "global_privacy_control", "created_at")
    search_fields = ("visitor_id", "notice_version", "banner_version")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "member",
        "visitor_id",
        "action",
        "audience",
        "ads",
        "global_privacy_control",
        "notice_version",
        "banner_version",
        "language",
    )
    readonly_fields = fields
    list_select_related = ("member",)

    # Records are written only by the choice itself and leave only through
    # erasure or the retention engine: proof nobody can alter.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ConsentRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ConsentRecord | None = None) -> bool:
        return False
