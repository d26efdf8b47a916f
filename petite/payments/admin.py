"""The back-office: offers, orders and refunds, receipts, and the dispute queue.

Orders, receipts and cases are read-only here: they change only through the
action pages below (refund; write in a case, change its status, add evidence),
each of which calls one function of actions.py and leaves an audit record.
"""

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
from petite.core.admin import action_page
from petite.core.errors import ActionRefused

from . import actions, views
from .models import (
    CLOSED_DISPUTE_STATUSES,
    Dispute,
    DisputeEvent,
    DisputeEvidence,
    Offer,
    Order,
    Receipt,
    Refund,
    WebhookEvent,
)
from .providers.base import PaymentError


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin[Offer]):
    list_display = ("name_en", "name_fr", "price", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("name_en", "name_fr", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    fields = (
        "slug",
        "name_en",
        "name_fr",
        "description_en",
        "description_fr",
        "price_cents",
        "active",
    )

    @admin.display(description=_("price"), ordering="price_cents")
    def price(self, obj: Offer) -> str:
        return obj.price

    def has_delete_permission(self, request: HttpRequest, obj: Offer | None = None) -> bool:
        # An offer that was ordered stays (orders point to it): take it off sale instead.
        return obj is None or not obj.orders.exists()

    def save_model(self, request: HttpRequest, obj: Offer, form: Any, change: bool) -> None:
        actor = request.user if isinstance(request.user, Member) else None
        actions.save_offer(offer=obj, actor=actor, created=not change)

    def delete_model(self, request: HttpRequest, obj: Offer) -> None:
        actor = request.user if isinstance(request.user, Member) else None
        actions.delete_offer(offer=obj, actor=actor)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for offer in queryset:
            if not offer.orders.exists():
                self.delete_model(request, offer)


class RefundInline(ReadOnlyMixin, admin.TabularInline[Refund, Order]):
    model = Refund
    fields = ("created_at", "amount", "status", "provider_reference")
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("amount"))
    def amount(self, obj: Refund) -> str:
        return obj.amount


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund (EUR)"), min_value=0.01, max_digits=9, decimal_places=2
    )


@admin.register(Order)
class OrderAdmin(ReadOnlyMixin, admin.ModelAdmin[Order]):
    list_display = ("reference", "created_at", "item_name", "amount", "provider", "status")
    list_filter = ("status", "provider", "created_at")
    search_fields = ("reference", "provider_reference", "provider_charge_reference")
    date_hierarchy = "created_at"
    fields = (
        "reference",
        "member",
        "offer",
        "item_name",
        "amount",
        "provider",
        "status",
        "provider_reference",
        "provider_charge_reference",
        "refunded_cents",
        "failure_code",
        "created_at",
        "paid_at",
        "receipt_link",
    )
    readonly_fields = fields
    inlines = (RefundInline,)
    change_form_template = "admin/payments/order/change_form.html"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing is allowed; the form has no editable field and no save button.
        return bool(request.user.has_perm("payments.change_order"))

    @admin.display(description=_("amount"), ordering="amount_cents")
    def amount(self, obj: Order) -> str:
        return obj.amount

    @admin.display(description=_("receipt"))
    def receipt_link(self, obj: Order) -> str | SafeString:
        receipt = Receipt.objects.filter(order=obj).first()
        if receipt is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:payments_receipt_change", args=[receipt.pk]),
            receipt.number,
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        can_refund = (
            obj is not None
            and obj.status in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED)
            and request.user.has_perm("payments.add_refund")
        )
        context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
            "refund_url": reverse("admin:payments_order_refund", args=[obj.pk])
            if can_refund and obj
            else "",
        }
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:object_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="payments_order_refund",
            )
        ]
        return own + super().get_urls()

    def refund_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = self.get_object(request, str(object_id))
        if obj is None or not request.user.has_perm("payments.add_refund"):
            raise Http404
        form = RefundForm(
            request.POST or None, initial={"amount": f"{obj.refundable_cents / 100:.2f}"}
        )
        if request.method == "POST" and form.is_valid():
            cents = int(form.cleaned_data["amount"] * 100)
            try:
                refund = actions.refund_order(
                    order=obj, amount_cents=cents, actor=cast(Member, request.user)
                )
            except actions.PaymentsError as error:
                form.add_error(None, str(error.message))
            except PaymentError as error:
                form.add_error(
                    None,
                    gettext(
                        "The processor did not refund (%(reason)s). Try again: the same "
                        "refund is retried, never paid twice."
                    )
                    % {"reason": error.code or "error"},
                )
            else:
                self.message_user(
                    request,
                    gettext("Refund of %(amount)s: %(status)s.")
                    % {"amount": refund.amount, "status": refund.get_status_display()},
                    messages.SUCCESS
                    if refund.status == Refund.Status.SUCCEEDED
                    else messages.WARNING,
                )
                return HttpResponseRedirect(reverse("admin:payments_order_change", args=[obj.pk]))
        return action_page(
            self,
            request,
            obj,
            form,
            title=gettext("Refund order %(reference)s") % {"reference": obj.reference},
            submit=gettext("Refund"),
            danger=True,
        )


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyMixin, admin.ModelAdmin[Receipt]):
    list_display = ("number", "issued_at", "item_name", "amount", "provider")
    list_filter = ("year", "provider")
    search_fields = ("number", "order_reference", "provider_reference")
    date_hierarchy = "issued_at"
    fields = (
        "number",
        "issued_at",
        "buyer_name",
        "buyer_email",
        "order_reference",
        "item_name",
        "amount",
        "provider",
        "provider_reference",
        "paid_at",
        "documents",
    )
    readonly_fields = fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("payments.view_receipt"))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, context)

    @admin.display(description=_("amount"), ordering="amount_cents")
    def amount(self, obj: Receipt) -> str:
        return obj.amount

    @admin.display(description=_("documents"))
    def documents(self, obj: Receipt) -> SafeString:
        return format_html(
            '<a href="{}">PDF</a>', reverse("admin:payments_receipt_pdf", args=[obj.pk])
        )

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:object_id>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="payments_receipt_pdf",
            )
        ]
        return own + super().get_urls()

    def pdf_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = self.get_object(request, str(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        return views.pdf_response(obj)


# --- The dispute queue ------------------------------------------------------------------


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


class DisputeEventInline(ReadOnlyMixin, admin.TabularInline[DisputeEvent, Dispute]):
    model = DisputeEvent
    fields = ("created_at", "kind", "by", "author", "status", "text")
    readonly_fields = fields
    extra = 0


class DisputeEvidenceInline(ReadOnlyMixin, admin.TabularInline[DisputeEvidence, Dispute]):
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
class DisputeAdmin(ReadOnlyMixin, admin.ModelAdmin[Dispute]):
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
                except actions.PaymentsError as error:
                    form.add_error(None, str(error.message))
                except ActionRefused as refusal:  # the malware scan of added evidence
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


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyMixin, admin.ModelAdmin[WebhookEvent]):
    list_display = ("received_at", "provider", "event_type", "event_id", "outcome")
    list_filter = ("provider", "outcome")
    search_fields = ("event_id",)
