"""The moderators' queue of reported messages, in the back-office.

Only reported messages are ever shown to staff, read-only: conversations, blocks
and unreported messages have no page here. Opening a report is recorded in the
audit trail (a staff view of a member's private message). Moderators act through
the two actions, each leaving an audit record.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html_join, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from petite.accounts.models import Member
from petite.core import audit

from . import actions
from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ("created_at", "reason", "status", "message_state")
    list_filter = ("status", "reason", "created_at")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "reason",
        "note",
        "reported_message",
        "author_and_recipient",
        "status",
        "handled_at",
        "handled_by",
    )
    readonly_fields = fields
    actions = ("dismiss", "remove_messages")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Report]:
        return super().get_queryset(request).select_related("message")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Report | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Report | None = None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("messaging.change_report")

    @admin.display(description=_("message"))
    def message_state(self, report: Report) -> str:
        if report.message is None:
            return str(_("deleted"))
        if report.message.is_erased:
            return str(_("erased with its author's account"))
        return str(_("present"))

    @admin.display(description=_("reported message"))
    def reported_message(self, report: Report) -> SafeString | str:
        message = report.message
        if message is None:
            return str(_("The message no longer exists (deleted by its author or removed)."))
        if message.is_erased:
            return str(_("The message was erased with its author's account."))
        # Escaped first, then paragraphs: the moderator reads the text, never its markup.
        return mark_safe(linebreaks(message.body, autoescape=True))  # noqa: S308

    @admin.display(description=_("author and recipient"))
    def author_and_recipient(self, report: Report) -> SafeString | str:
        message = report.message
        if message is None:
            return "-"
        rows = [
            (_("author"), f"Member #{message.author_id}" if message.author_id else _("erased")),
            (
                _("recipient"),
                f"Member #{message.recipient_id}" if message.recipient_id else _("erased"),
            ),
        ]
        return format_html_join("", "<div>{}: {}</div>", rows)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200 and isinstance(request.user, Member):
            audit.record("messaging.report_viewed", actor=request.user, report=object_id)
        return response

    @admin.action(description=_("Dismiss: the message stays"), permissions=["moderate"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        assert isinstance(request.user, Member)
        count = actions.dismiss_reports(reports=queryset, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d report dismissed.", "%(count)d reports dismissed.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Remove the reported messages"), permissions=["moderate"])
    def remove_messages(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        assert isinstance(request.user, Member)
        count = actions.remove_reported_messages(reports=queryset, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d message removed.", "%(count)d messages removed.", count)
            % {"count": count},
            messages.SUCCESS,
        )
