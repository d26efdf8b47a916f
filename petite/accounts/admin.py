"""The back-office for accounts: members, the connection log and usage counts (read-only).

Staff never see a password hash, cannot create members (members open their own
accounts and verify their address) and cannot delete them here: erasure goes
through the privacy engine, which removes every trace the inventory knows of.
"""

from __future__ import annotations

from typing import Any, cast

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from petite.privacy.admin_access import AccessControlledAdmin

from . import actions
from .models import ConnectionEvent, Member, UsageCount

# The back-office signs in through allauth like everyone else: the same rate
# limits, lockout, two-factor step and connection log (Django's own admin login
# form would bypass them all).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


class ClosingFilter(admin.SimpleListFilter):
    title = _("account deletion")
    parameter_name = "closing"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Deletion pending")), ("no", _("No deletion pending"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(deletion_due_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deletion_due_at__isnull=True)
        return queryset


@admin.register(Member)
class MemberAdmin(AccessControlledAdmin[Member]):
    list_display = (
        "email",
        "first_name",
        "last_name",
        "is_active",
        "is_staff",
        "date_joined",
        "deletion_due_at",
    )
    list_filter = (
        "is_active",
        ClosingFilter,
        "is_staff",
        "is_superuser",
        "language",
        "date_joined",
    )
    search_fields = ("email", "first_name", "last_name")
    ordering = ("-date_joined",)
    date_hierarchy = "date_joined"
    filter_horizontal = ("groups", "user_permissions")
    # Deletion dates change only through the account-deletion actions (U2).
    readonly_fields = ("last_login", "date_joined", "deletion_requested_at", "deletion_due_at")
    fieldsets = (
        (None, {"fields": ("email", "first_name", "last_name", "language")}),
        (
            _("Access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
        (_("Account deletion"), {"fields": ("deletion_requested_at", "deletion_due_at")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Member, form: ModelForm, change: bool) -> None:
        # Many-to-many fields (groups, permissions) are saved by save_related().
        fields = [name for name in form.changed_data if name not in ("groups", "user_permissions")]
        actions.change_member(actor=cast(Member, request.user), member=obj, fields=fields)


class ReadOnlyAdmin[M: Any](admin.ModelAdmin[M]):
    """Records the platform writes itself: staff may read them, never edit them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConnectionEvent)
class ConnectionEventAdmin(ReadOnlyAdmin[ConnectionEvent]):
    list_display = (
        "created_at",
        "member",
        "succeeded",
        "method",
        "failure",
        "ip",
        "country_code",
        "network_name",
    )
    list_filter = ("succeeded", "method", "failure", "country_code", "created_at")
    search_fields = ("member__email", "ip")
    date_hierarchy = "created_at"
    list_select_related = ("member",)


@admin.register(UsageCount)
class UsageCountAdmin(ReadOnlyAdmin[UsageCount]):
    list_display = ("day", "member", "area", "count")
    list_filter = ("area", "day")
    search_fields = ("member__email",)
    date_hierarchy = "day"
    list_select_related = ("member",)
