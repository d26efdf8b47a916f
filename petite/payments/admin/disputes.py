"""Back-office: the dispute queue, each case's history, and the team's answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core.admin import ReadOnlyAdmin, ReadOnlyInline, action_page
from petite.core.errors import ActionRefused

from .. import actions, views
from ..models import (
    CLOSED_DISPUTE_STATUSES,
    Dispute,
    DisputeEvent,
    DisputeEvidence,
)


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("overdue", _("Overdue")), ("open", _("All open cases"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        open_cases = queryset.exclude(status__in=CLOSED_DISPUTE_STATUSES)
        if self.value() == "overdue":
            return open_cases.filter(respond_by__lt=timezone.now())
        if self.value() == "open":
            return open_cases
        return queryset


class DisputeEventInline(ReadOnlyInline[DisputeEvent, Dispute]):
    model = DisputeEvent
    fields = ("created_at", "kind", "by", "author", "status", "text")
    readonly_fields = fields
    extra = 0


class DisputeEvidenceInline(ReadOnlyInline[DisputeEvidence, Dispute]):
    model = DisputeEvidence
    fields = ("uploaded_at", "by", "download", "content_type", "size")
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("file"))
    def download(self, obj: DisputeEvidence) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:payments_dispute_evidence_file", args=[obj.dispute_id, obj.pk]),
            obj.original_name,
        )


class DisputeMessageForm(forms.Form):
    text = forms.CharField(label=_("Message to the member"), max_length=5000, widget=forms.Textarea)


class DisputeStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Dispute.Status.choices)
    note = forms.CharField(
        label=_("Note to the member (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea,
    )


class DisputeEvidenceForm(forms.Form):
    file = forms.FileField(label=_("Document"))


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin[Dispute]):
    list_display = ("reference", "source", "status", "amount", "opened_at", "due")
    list_filter = (DeadlineFilter, "status", "source")
    search_fields = ("reference", "provider_reference", "order_reference")
    ordering = ("closed_at", "respond_by")
    fields = (
        "reference",
        "source",
        "provider_reference",
        "status",
        "member",
        "order",
        "receipt",
        "order_reference",
        "reason",
        "amount",
        "opened_at",
        "respond_by",
        "closed_at",
    )
    readonly_fields = fields
    inlines = (DisputeEventInline, DisputeEvidenceInline)
    change_form_template = "admin/payments/dispute/change_form.html"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("payments.change_dispute"))

    @admin.display(description=_("amount"), ordering="amount_cents")
    def amount(self, obj: Dispute) -> str:
        return obj.amount

    @admin.display(description=_("respond by"), ordering="respond_by")
    def due(self, obj: Dispute) -> str | SafeString:
        if obj.is_closed or obj.respond_by is None:
            return "—"
        days = (obj.respond_by - timezone.now()).days
        if obj.respond_by < timezone.now():
            return format_html("<strong>{}</strong>", gettext("overdue"))
        return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        tools = []
        if obj is not None and self.has_change_permission(request, obj):
            for slug, label in (
                ("message", _("Write to the member")),
                ("status", _("Change the status")),
                ("evidence", _("Add evidence")),
            ):
                tools.append(
                    {
                        "url": reverse(f"admin:payments_dispute_{slug}", args=[obj.pk]),
                        "label": label,
                    }
                )
        context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
            "case_actions": tools,
        }
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                f"<int:object_id>/{slug}/",
                self.admin_site.admin_view(self._action(slug)),
                name=f"payments_dispute_{slug}",
            )
            for slug in ("message", "status", "evidence")
        ]
        own.append(
            path(
                "<int:object_id>/evidence/<int:evidence_id>/",
                self.admin_site.admin_view(self.evidence_file),
                name="payments_dispute_evidence_file",
            )
        )
        return own + super().get_urls()

    def evidence_file(
        self, request: HttpRequest, object_id: int, evidence_id: int
    ) -> HttpResponseBase:
        obj = self.get_object(request, str(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        item = obj.evidence.filter(pk=evidence_id).first()
        if item is None:
            raise Http404
        return views.evidence_response(item)

    def _action(self, slug: str) -> Callable[..., HttpResponse]:
        form_classes: dict[str, type[forms.Form]] = {
            "message": DisputeMessageForm,
            "status": DisputeStatusForm,
            "evidence": DisputeEvidenceForm,
        }
        titles = {
            "message": _("Write to the member"),
            "status": _("Change the status"),
            "evidence": _("Add evidence"),
        }

        def view(request: HttpRequest, object_id: int) -> HttpResponse:
            obj = self.get_object(request, str(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise Http404
            initial = {"status": obj.status} if slug == "status" else {}
            form = form_classes[slug](request.POST or None, request.FILES or None, initial=initial)
            if request.method == "POST" and form.is_valid():
                actor = cast(Member, request.user)
                data = form.cleaned_data
                try:
                    if slug == "message":
                        actions.post_dispute_message(
                            dispute=obj, author=actor, text=data["text"], from_team=True
                        )
                    elif slug == "status":
                        actions.change_dispute_status(
                            dispute=obj, status=data["status"], actor=actor, note=data["note"]
                        )
                    else:
                        actions.add_dispute_evidence(
                            dispute=obj, upload=data["file"], author=actor, from_team=True
                        )
                except ActionRefused as refusal:  # includes the malware scan of added evidence
                    form.add_error(None, str(refusal.message))
                else:
                    self.message_user(request, gettext("Done."), messages.SUCCESS)
                    return HttpResponseRedirect(
                        reverse("admin:payments_dispute_change", args=[obj.pk])
                    )
            return action_page(
                self, request, obj, form, title=str(titles[slug]), submit=gettext("Save")
            )

        return view
