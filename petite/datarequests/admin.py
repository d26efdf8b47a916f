"""The desk in the back-office: the queue by deadline, each request's history, and
one page per action (each calls one function of actions.py).

Nothing is edited in place: a request changes only through the actions, which
keep its history and an audit record. Requests are never deleted here: they are
the proof that we answered, purged by the retention engine after five years.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, time
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core.admin import action_page
from petite.core.errors import ActionRefused

from . import actions, deadlines, selectors
from . import forms as desk_forms
from .models import OPEN_STATUSES, DataRequest, DataRequestEvent

Handler = Callable[[DataRequest, dict[str, Any], Member], str]


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("overdue", _("Overdue")),
            ("week", _("Due within 7 days")),
            ("later", _("Due later")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        open_requests = queryset.filter(status__in=OPEN_STATUSES)
        if self.value() == "overdue":
            return open_requests.filter(due_at__lt=now)
        if self.value() == "week":
            return open_requests.filter(due_at__gte=now, due_at__lte=now + selectors.DIGEST_WINDOW)
        if self.value() == "later":
            return open_requests.filter(due_at__gt=now + selectors.DIGEST_WINDOW)
        return queryset


class DataRequestEventInline(admin.TabularInline[DataRequestEvent, DataRequest]):
    model = DataRequestEvent
    fields = ("created_at", "kind", "actor", "status", "subject", "text", "details")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("details"))
    def details(self, event: DataRequestEvent) -> str:
        if event.kind == DataRequestEvent.Kind.RECTIFIED:
            values = event.rectification
            return gettext("%(field)s: “%(before)s” → “%(after)s”") % {
                "field": values.get("label", values.get("field", "")),
                "before": values.get("before", ""),
                "after": values.get("after", ""),
            }
        shown = {key: value for key, value in event.data.items() if key != "notify"}
        return json.dumps(shown, ensure_ascii=False) if shown else ""


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin[DataRequest]):
    list_display = ("reference", "kind", "status", "channel", "received_at", "due_in")
    list_filter = ("status", "kind", DeadlineFilter, "channel", "extended")
    search_fields = ("reference", "requester_email")
    ordering = ("due_at",)
    date_hierarchy = "received_at"
    fieldsets = (
        (None, {"fields": ("reference", "kind", "status", "channel")}),
        (_("Requester"), {"fields": ("requester_email", "requester_name", "language", "member")}),
        (_("Identity"), {"fields": ("identity", "identity_confirmed_at")}),
        (
            _("Deadline"),
            {"fields": ("received_at", "due_at", "due_in", "extended", "extension_reason")},
        ),
        (None, {"fields": ("closed_at",)}),
    )
    readonly_fields = (
        "reference",
        "kind",
        "status",
        "channel",
        "requester_email",
        "requester_name",
        "language",
        "member",
        "identity",
        "identity_confirmed_at",
        "received_at",
        "due_at",
        "due_in",
        "extended",
        "extension_reason",
        "closed_at",
    )
    inlines = (DataRequestEventInline,)
    change_form_template = "admin/datarequests/datarequest/change_form.html"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("how identity was established"))
    def identity(self, obj: DataRequest) -> str:
        if obj.identity_method:
            return gettext(obj.identity_method)
        return gettext("Not established yet")

    @admin.display(description=_("due in"), ordering="due_at")
    def due_in(self, obj: DataRequest) -> str | SafeString:
        if obj.is_closed:
            return gettext("closed")
        days = (deadlines.local_date(obj.due_at) - timezone.localdate()).days
        if days < 0:
            text = ngettext("overdue by %(days)d day", "overdue by %(days)d days", -days) % {
                "days": -days
            }
            return format_html(
                '<strong><img src="{}" alt="{}"> {}</strong>',
                static("admin/img/icon-alert.svg"),
                gettext("Overdue"),
                text,
            )
        if days == 0:
            return format_html("<strong>{}</strong>", gettext("today"))
        text = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
        if days <= selectors.DIGEST_WINDOW.days:
            return format_html("<strong>{}</strong>", text)
        return text

    # --- Staff entry ------------------------------------------------------------

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """A request received by post, phone or in person, entered by staff (channel STAFF)."""
        if not self.has_add_permission(request):
            raise Http404
        form = desk_forms.StaffRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            day = data["received_on"]
            received_at = (
                timezone.now()
                if day == timezone.localdate()
                else datetime.combine(day, time(12), tzinfo=deadlines.platform_zone())
            )
            data_request = actions.receive_request(
                channel=DataRequest.Channel.STAFF,
                requester_email=data["requester_email"],
                requester_name=data["requester_name"],
                subject=data["subject"],
                text=data["text"],
                kind=data["kind"] or None,
                member=data["member"],
                received_at=received_at,
                actor=cast(Member, request.user),
                identity_method=data["identity_method"],
            )
            self.message_user(
                request,
                gettext("Request %(reference)s registered.")
                % {"reference": data_request.reference},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:datarequests_datarequest_change", args=[data_request.pk])
            )
        return self._render(request, None, form, gettext("Enter a data request"), gettext("Save"))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        context = {
            **(extra_context or {}),
            # Every field is read-only: changes go through the action pages.
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
            "desk_actions": self._available_actions(request, obj) if obj else [],
        }
        return super().change_view(request, object_id, form_url, context)

    # --- One page per action ----------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                f"<uuid:object_id>/{slug}/",
                self.admin_site.admin_view(self._action_view(slug)),
                name=f"datarequests_datarequest_{slug.replace('-', '_')}",
            )
            for slug in ACTIONS
        ]
        return own + super().get_urls()

    def _available_actions(self, request: HttpRequest, obj: DataRequest) -> list[dict[str, Any]]:
        if not self.has_change_permission(request, obj) or obj.is_closed:
            return []
        shown = []
        for slug, spec in ACTIONS.items():
            if spec.needs_identity and not obj.identity_established:
                continue
            if slug in ("identity", "link") and obj.identity_established:
                continue
            if slug == "link" and selectors.verified_account(obj.requester_email) is None:
                continue
            if slug == "extend" and obj.extended:
                continue
            shown.append(
                {
                    "url": reverse(
                        f"admin:datarequests_datarequest_{slug.replace('-', '_')}", args=[obj.pk]
                    ),
                    "label": spec.title,
                }
            )
        return shown

    def _action_view(self, slug: str) -> Callable[..., HttpResponse]:
        spec = ACTIONS[slug]

        def view(request: HttpRequest, object_id: Any) -> HttpResponse:
            obj = self.get_object(request, str(object_id))
            if obj is None:
                raise Http404
            if not self.has_change_permission(request, obj):
                raise Http404
            form = spec.form_class(request.POST or None, initial=spec.initial(obj))
            if request.method == "POST" and form.is_valid():
                try:
                    done = spec.handler(obj, form.cleaned_data, cast(Member, request.user))
                except ActionRefused as error:
                    form.add_error(None, str(error.message))
                else:
                    self.message_user(request, done, messages.SUCCESS)
                    return HttpResponseRedirect(
                        reverse("admin:datarequests_datarequest_change", args=[obj.pk])
                    )
            return self._render(
                request, obj, form, str(spec.title), str(spec.submit), danger=spec.danger
            )

        return view

    def _render(
        self,
        request: HttpRequest,
        obj: DataRequest | None,
        form: forms.Form,
        title: str,
        submit: str,
        *,
        danger: bool = False,
    ) -> HttpResponse:
        return action_page(
            self,
            request,
            obj,
            form,
            title=title,
            submit=submit,
            danger=danger,
            template="admin/datarequests/datarequest/action.html",
            identity_missing=obj is not None and not obj.identity_established,
        )


# --- What each action page does -------------------------------------------------


class Action:
    def __init__(
        self,
        title: Any,
        submit: Any,
        form_class: type[forms.Form],
        handler: Handler,
        *,
        initial: Callable[[DataRequest], dict[str, Any]] = lambda obj: {},
        needs_identity: bool = False,
        danger: bool = False,
    ) -> None:
        self.title = title
        self.submit = submit
        self.form_class = form_class
        self.handler = handler
        self.initial = initial
        self.needs_identity = needs_identity
        self.danger = danger


def _identity(obj: DataRequest, data: dict[str, Any], actor: Member) -> str:
    actions.establish_identity(
        request=obj, method=data["method"], member=data["member"], actor=actor
    )
    return gettext("Identity recorded; the request is open.")


def _identity_initial(obj: DataRequest) -> dict[str, Any]:
    member = obj.member or selectors.verified_account(obj.requester_email)
    return {"member": member.email} if member else {}


def _link(obj: DataRequest, data: dict[str, Any], actor: Member) -> str:
    actions.send_identity_link(request=obj, actor=actor)
    return gettext("A new confirmation link was sent to the requester.")


def _kind(obj: DataRequest, data: dict[str, Any], actor: Member) -> str:
    actions.change_kind(request=obj, kind=data["kind"], actor=actor)
    return gettext("Type changed.")


def _message(obj: DataRequest, data: dict[str, Any], actor: Member) -> str:
    actions.send_message(request=obj, subject=data["subject"], text=data["text"], actor=actor)
    return gettext("Message sent to the requester.")


def _extend(obj: DataRequest, data: dict[str, Any], actor: Member) -> str:
    data_request = actions.extend_deadline(request=obj, reason=data["reason"], actor=actor)
    return gettext("Deadline extended to %(due)s; the requester is told why.") % {
        "due": deadlines.local_date(data_request.due_at).isoformat()
    }


def _rectify(obj: DataRequest, data: dict[str, Any], actor: Member) -> str:
    actions.rectify(request=obj, field_key=data["field"], value=data["value"], actor=actor)
    return gettext("Data corrected; the history keeps the value before and after.")


def _export(obj: DataRequest, data: dict[str, Any], actor: Member) -> str:
    actions.export_data(request=obj, actor=actor)
    return gettext("Export started; the member is told to sign in to download it.")


def _erase(obj: DataRequest, data: dict[str, Any], actor: Member) -> str:
    actions.erase_data(request=obj, actor=actor)
    return gettext("The member's data is erased and the request closed.")


def _delete_account(obj: DataRequest, data: dict[str, Any], actor: Member) -> str:
    actions.delete_account(request=obj, immediate=data["when"] == "now", actor=actor)
    return gettext("Account deletion started and the request closed.")


def _close(obj: DataRequest, data: dict[str, Any], actor: Member) -> str:
    actions.close(request=obj, outcome=data["outcome"], message=data["message"], actor=actor)
    return gettext("Request closed; the requester has the message.")


ACTIONS: dict[str, Action] = {
    "identity": Action(
        _("Establish identity"),
        _("Record"),
        desk_forms.IdentityForm,
        _identity,
        initial=_identity_initial,
    ),
    "link": Action(
        _("Send the confirmation link again"),
        _("Send"),
        forms.Form,
        _link,
    ),
    "kind": Action(
        _("Change the type"),
        _("Change"),
        desk_forms.KindForm,
        _kind,
        initial=lambda obj: {"kind": obj.kind},
    ),
    "message": Action(_("Write to the requester"), _("Send"), desk_forms.MessageForm, _message),
    "extend": Action(
        _("Extend the deadline by two months"), _("Extend"), desk_forms.ExtensionForm, _extend
    ),
    "rectify": Action(
        _("Correct data"),
        _("Correct"),
        desk_forms.RectificationForm,
        _rectify,
        needs_identity=True,
    ),
    "export": Action(
        _("Export the member's data"),
        _("Start the export"),
        desk_forms.ConfirmForm,
        _export,
        needs_identity=True,
    ),
    "erase": Action(
        _("Erase the member's data"),
        _("Erase"),
        desk_forms.ConfirmForm,
        _erase,
        needs_identity=True,
        danger=True,
    ),
    "delete-account": Action(
        _("Delete the member's account"),
        _("Delete the account"),
        desk_forms.AccountDeletionForm,
        _delete_account,
        needs_identity=True,
        danger=True,
    ),
    "close": Action(_("Close the request"), _("Close"), desk_forms.CloseForm, _close),
}
