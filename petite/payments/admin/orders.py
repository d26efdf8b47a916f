"""Back-office: offers, orders and their refunds, receipts, processor events."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core.admin import ReadOnlyAdmin, ReadOnlyInline, action_page
from petite.core.errors import ActionRefused

from .. import actions, views
from ..models import (
    Offer,
    Order,
    Receipt,
    Refund,
    WebhookEvent,
)
from ..providers.base import PaymentError


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


class RefundInline(ReadOnlyInline[Refund, Order]):
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
class OrderAdmin(ReadOnlyAdmin[Order]):
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
            except PaymentError as error:  # before ActionRefused: it is one
                form.add_error(
                    None,
                    gettext(
                        "The processor did not refund (%(reason)s). Try again: the same "
                        "refund is retried, never paid twice."
                    )
                    % {"reason": error.code or "error"},
                )
            except ActionRefused as error:
                form.add_error(None, str(error.message))
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
class ReceiptAdmin(ReadOnlyAdmin[Receipt]):
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


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin[WebhookEvent]):
    list_display = ("received_at", "provider", "event_type", "event_id", "outcome")
    list_filter = ("provider", "outcome")
    search_fields = ("event_id",)
