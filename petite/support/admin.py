"""The staff side of the help desk: the queue, the thread, answers and internal notes.

Every page goes through :class:`petite.privacy.admin_access.AccessControlledAdmin`:
a provider agent sees only the fields its register entry allows (the requester's
e-mail address only behind "Reveal" for the first-line provider), and every
look at a request is logged as "to answer your help request #N".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core.admin import action_page
from petite.core.errors import ActionRefused
from petite.privacy import access
from petite.privacy.admin_access import AccessControlledAdmin, AccessControlledInline

from . import actions
from .forms import AnswerForm
from .models import CannedReply, Category, HelpMessage, HelpRequest


class HelpMessageInline(AccessControlledInline[HelpMessage, HelpRequest]):
    model = HelpMessage
    fields = ("created_at", "from_requester", "internal", "author", "via", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DueFilter(admin.SimpleListFilter):
    title = _("targets")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("late_first", _("First answer late")), ("unfinished", _("Not solved yet"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        if self.value() == "late_first":
            return queryset.filter(
                first_response_at__isnull=True,
                created_at__lt=now - timedelta(hours=settings.PETITE_HELP_FIRST_RESPONSE_HOURS),
            )
        if self.value() == "unfinished":
            return queryset.exclude(status__in=["solved", "closed"])
        return queryset


@admin.register(HelpRequest)
class HelpRequestAdmin(AccessControlledAdmin[HelpRequest]):
    list_display = (
        "number",
        "subject",
        "requester_name",
        "requester_email",
        "category",
        "status",
        "assignee",
        "created_at",
        "first_answer_due",
        "resolution_due_at",
    )
    list_display_links = ("number", "subject")
    list_filter = ("status", DueFilter, "category", "channel", "assignee")
    search_fields = ("=id", "subject", "requester_name", "requester_email")
    date_hierarchy = "created_at"
    fields = (
        "status",
        "category",
        "assignee",
        "channel",
        "language",
        "requester_name",
        "requester_email",
        "member",
        "subject",
        "created_at",
        "first_response_at",
        "solved_at",
        "closed_at",
        "satisfaction",
        "satisfaction_comment",
    )
    readonly_fields = tuple(f for f in fields if f not in ("category",))
    inlines = [HelpMessageInline]
    change_form_template = "admin/support/helprequest/change_form.html"
    actions = ["export_csv", "assign_to_me", "close_requests"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("number"), ordering="id")
    def number(self, obj: HelpRequest) -> str:
        return obj.reference

    @admin.display(description=_("first answer due"))
    def first_answer_due(self, obj: HelpRequest) -> Any:
        if obj.first_response_at is not None:
            return _("answered")
        return obj.first_response_due

    @admin.display(description=_("resolution due"))
    def resolution_due_at(self, obj: HelpRequest) -> Any:
        return "-" if obj.is_finished else obj.resolution_due

    def access_reason(self, request: HttpRequest, obj: Any = None) -> dict[str, str]:
        if isinstance(obj, HelpRequest):
            return {"kind": "help_request", "reference": obj.reference}
        return super().access_reason(request, obj)

    def save_model(self, request: HttpRequest, obj: HelpRequest, form: Any, change: bool) -> None:
        # Only the category is editable here; the thread changes through "Answer".
        HelpRequest.objects.filter(pk=obj.pk).update(category=obj.category)

    # --- Answer ------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:object_id>/answer/",
                self.admin_site.admin_view(self.answer_view),
                name="support_helprequest_answer",
            ),
            *super().get_urls(),
        ]

    def answer_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = self.get_object(request, str(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = AnswerForm(request.POST or None)
        if request.method == "GET" and request.GET.get("canned"):
            canned = CannedReply.objects.filter(pk=request.GET["canned"]).first()
            if canned is not None:
                form = AnswerForm(
                    initial={"canned": canned.pk, "body": canned.body_in(obj.language or "en")}
                )
        if request.method == "POST" and form.is_valid():
            body = form.cleaned_data["body"] or (
                form.cleaned_data["canned"].body_in(obj.language or "en")
                if form.cleaned_data["canned"]
                else ""
            )
            try:
                actions.answer(
                    request=obj,
                    author=self._staff(request),
                    body=body,
                    internal=form.cleaned_data["internal"],
                    status=form.cleaned_data["status"],
                )
            except ActionRefused as refused:
                form.add_error(None, str(refused))
            else:
                self.message_user(request, _("Saved."), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:support_helprequest_change", args=[obj.pk])
                )
        access.record_access(
            self.viewer(request),
            obj.member_id or 0,
            ["help_requests"],
            {"kind": "help_request", "reference": obj.reference},
        )
        return action_page(
            self,
            request,
            obj,
            form,
            title=str(_("Answer help request %(reference)s") % {"reference": obj.reference}),
            submit=str(_("Send")),
        )

    def _staff(self, request: HttpRequest) -> Member:
        assert isinstance(request.user, Member)
        return request.user

    # --- Bulk actions -------------------------------------------------------------

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[HelpRequest]) -> None:
        for obj in queryset:
            actions.assign(request=obj, actor=self._staff(request), assignee=self._staff(request))
        self.message_user(request, _("Assigned to you."), messages.SUCCESS)

    @admin.action(description=_("Close"), permissions=["change"])
    def close_requests(self, request: HttpRequest, queryset: QuerySet[HelpRequest]) -> None:
        for obj in queryset:
            try:
                actions.set_status(
                    request=obj, actor=self._staff(request), status=HelpRequest.Status.CLOSED
                )
            except ActionRefused:
                continue
        self.message_user(request, _("Closed."), messages.SUCCESS)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("name_en", "name_fr", "order", "active")


class CannedReplyForm(forms.ModelForm[CannedReply]):
    class Meta:
        model = CannedReply
        fields = ("title", "body_en", "body_fr")


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin[CannedReply]):
    form = CannedReplyForm
    list_display = ("title",)
    search_fields = ("title", "body_en", "body_fr")


def make_help_request(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    """Turn contact messages into help requests (offered on the contact inbox, see apps.py)."""
    if not request.user.has_perm("support.change_helprequest"):
        raise PermissionDenied
    assert isinstance(request.user, Member)
    for contact_message in queryset:
        actions.from_contact_message(actor=request.user, contact_message=contact_message)
    modeladmin.message_user(request, _("Help requests created."), messages.SUCCESS)


make_help_request.short_description = _("Turn into a help request")  # type: ignore[attr-defined]
