"""The team's inbox in the back-office: messages are read-only, handling goes through an action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from petite.accounts.models import Member
from petite.core import admin as core_admin
from petite.privacy.admin_access import AccessControlledAdmin

from . import actions
from .models import ContactMessage


@admin.register(ContactMessage)
class ContactMessageAdmin(AccessControlledAdmin[ContactMessage]):
    list_display = ("created_at", "name", "subject", "handled")
    list_display_links = ("created_at", "subject")
    list_filter = ("handled", "created_at", "language")
    search_fields = ("name", "email", "subject", "message")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "name",
        "email",
        "member",
        "language",
        "subject",
        "message",
        "handled",
        "handled_at",
    )
    readonly_fields = fields
    actions = ["mark_handled", "mark_unhandled", "export_csv"]

    # Nobody writes or deletes messages here: they arrive through the form and
    # leave through erasure or the retention engine. Only "handled" changes,
    # through the actions below, which leave an audit record.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ContactMessage | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ContactMessage | None = None
    ) -> bool:
        return False

    def get_actions(
        self, request: HttpRequest, action_location: Any = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location)
        if action_location == ActionLocation.CHANGE_LIST and actions:
            # Actions other apps offer here (the help desk: "Turn into a help request").
            actions.update(core_admin.offered_actions(self, request))
        return actions

    def has_handle_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("contact.change_contactmessage")

    def _set_handled(
        self, request: HttpRequest, queryset: QuerySet[ContactMessage], *, handled: bool
    ) -> None:
        assert isinstance(request.user, Member)  # the admin requires a signed-in member
        count = actions.set_handled(messages=queryset, handled=handled, actor=request.user)
        text = (
            ngettext(
                "%(count)d message marked as handled.",
                "%(count)d messages marked as handled.",
                count,
            )
            if handled
            else ngettext(
                "%(count)d message marked as to be handled.",
                "%(count)d messages marked as to be handled.",
                count,
            )
        )
        self.message_user(request, text % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Mark as handled"), permissions=["handle"])
    def mark_handled(self, request: HttpRequest, queryset: QuerySet[ContactMessage]) -> None:
        self._set_handled(request, queryset, handled=True)

    @admin.action(description=_("Mark as to be handled"), permissions=["handle"])
    def mark_unhandled(self, request: HttpRequest, queryset: QuerySet[ContactMessage]) -> None:
        self._set_handled(request, queryset, handled=False)
