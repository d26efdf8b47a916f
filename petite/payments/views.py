"""Member pages: offers, orders, paying, receipts, disputes; and the processors' webhooks.

Every page about an order, a receipt or a case shows it to its member only: anyone
else, staff included, gets a 404 (staff work in the back-office).
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from petite.accounts.models import Member
from petite.accounts.network import client_ip
from petite.core import machine
from petite.core.errors import ActionRefused

from . import actions, providers, ratelimit, selectors
from .forms import DisputeForm, EvidenceForm, MessageForm, OrderForm
from .models import Offer, Order
from .providers import demo
from .providers.base import Checkout, InvalidWebhook, PaymentError, ProviderUnavailable
from .receipts import lines, render_pdf

logger = logging.getLogger(__name__)

STRIPE_JS = "https://js.stripe.com"
# Only the payment page loads Stripe's script and frames (its Payment Element).
STRIPE_PAGE_CSP: dict[str, Any] = {
    **settings.SECURE_CSP,
    "script-src": [CSP.SELF, CSP.NONCE, STRIPE_JS],
    "frame-src": [STRIPE_JS, "https://hooks.stripe.com"],
    "connect-src": [CSP.SELF, "https://api.stripe.com"],
}


def _member(request: HttpRequest) -> Member:
    assert isinstance(request.user, Member)  # login_required ran first
    return request.user


# --- Offers and ordering ---------------------------------------------------------------


@require_GET
def offers(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "payments/offers.html",
        {"offers": selectors.active_offers(), "processors": providers.offered()},
    )


@require_GET
def offer(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Offer, slug=slug, active=True)
    return render(
        request,
        "payments/offer.html",
        {"offer": item, "form": OrderForm(), "processors": providers.offered()},
    )


@login_required
@require_POST
def order(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Offer, slug=slug, active=True)
    member = _member(request)
    form = OrderForm(request.POST)
    context = {"offer": item, "form": form, "processors": providers.offered()}
    if not form.is_valid():
        return render(request, "payments/offer.html", context, status=400)
    if not ratelimit.consume("order", member.pk, limit=10, seconds=3600):
        messages.error(request, _("You have started many orders in a short time. Please wait."))
        return render(request, "payments/offer.html", context, status=429)
    try:
        new_order = actions.create_order(
            member=member, offer=item, provider_key=form.cleaned_data["provider"]
        )
    except ActionRefused as error:
        messages.error(request, str(error.message))
        return render(request, "payments/offer.html", context, status=400)
    return _start(request, new_order)


def _start(request: HttpRequest, current: Order) -> HttpResponse:
    """Start or resume the payment; where the member goes next."""
    return_url = request.build_absolute_uri(reverse("payments:return", args=[current.public_id]))
    cancel_url = request.build_absolute_uri(reverse("payments:order", args=[current.public_id]))
    try:
        checkout = actions.start_payment(
            order=current, return_url=return_url, cancel_url=cancel_url
        )
    except ActionRefused as error:
        messages.error(request, str(error.message))
        return redirect("payments:order", current.public_id)
    return _continue(request, current, checkout)


def _continue(request: HttpRequest, current: Order, checkout: Checkout) -> HttpResponse:
    if checkout.redirect_url:
        return redirect(checkout.redirect_url)
    if not providers.get(current.provider).uses_own_page:
        # A processor that approves on its own site gave no address to go to (an order
        # it already approved, or one that expired): say so, charge nothing.
        messages.error(request, str(PaymentError.message))
        return redirect("payments:order", current.public_id)
    return _stripe_page(request, current, checkout)


@csp_override(STRIPE_PAGE_CSP)
def _stripe_page(request: HttpRequest, current: Order, checkout: Checkout) -> HttpResponse:
    provider = providers.get(current.provider)
    response = render(
        request,
        "payments/pay_stripe.html",
        {
            "order": current,
            "client_secret": checkout.client_secret,
            "publishable_key": getattr(provider, "publishable_key", ""),
            "return_url": request.build_absolute_uri(
                reverse("payments:return", args=[current.public_id])
            ),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def orders(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(
        request,
        "payments/orders.html",
        {
            "orders": selectors.orders_of(member).select_related("receipt"),
            "disputes": selectors.disputes_of(member),
        },
    )


@login_required
@require_GET
def order_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    current = selectors.own_order(_member(request), public_id)
    receipt = getattr(current, "receipt", None) if current.is_settled else None
    return render(
        request,
        "payments/order.html",
        {
            "order": current,
            "receipt": receipt,
            "disputes": current.disputes.all(),
            "processor": providers.get(current.provider),
        },
    )


@login_required
@require_POST
def order_pay(request: HttpRequest, public_id: UUID) -> HttpResponse:
    current = selectors.own_order(_member(request), public_id)
    if not ratelimit.consume("pay", current.pk, limit=20, seconds=3600):
        messages.error(request, _("Too many attempts in a short time. Please wait a little."))
        return redirect("payments:order", current.public_id)
    return _start(request, current)


@login_required
@require_GET
@never_cache
def order_return(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Back from the processor (or its Stripe page): ask where the payment stands."""
    current = selectors.own_order(_member(request), public_id)
    try:
        current = actions.complete_payment(order=current)
    except ProviderUnavailable as error:
        messages.warning(request, str(error.message))
    except ActionRefused as error:
        messages.error(request, str(error.message))
    else:
        if current.is_settled:
            messages.success(request, _("Thank you: your payment is confirmed."))
        elif current.status == Order.Status.FAILED:
            messages.error(
                request,
                _("The payment was declined. Nothing was charged: you can try again."),
            )
        else:
            messages.info(
                request,
                _(
                    "Your payment is not confirmed yet. This page will show it as soon as "
                    "the processor tells us."
                ),
            )
    return redirect("payments:order", current.public_id)


@login_required
@require_POST
def order_cancel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    current = selectors.own_order(_member(request), public_id)
    try:
        actions.cancel_order(order=current, member=_member(request))
    except ActionRefused as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The order is cancelled."))
    return redirect("payments:order", current.public_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def demo_pay(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The demo processor's page (PETITE_PAYMENTS_DEMO): pay or decline, no money moves."""
    current = selectors.own_order(_member(request), public_id)
    if current.provider != "demo" or not providers.get("demo").is_configured():
        raise Http404
    if request.method == "POST":
        demo.decide(current, pay=request.POST.get("decision") == "pay")
        return redirect("payments:return", current.public_id)
    return render(request, "payments/pay_demo.html", {"order": current})


# --- Receipts ----------------------------------------------------------------------------


@login_required
@require_GET
def receipt(request: HttpRequest, public_id: UUID) -> HttpResponse:
    found = selectors.own_receipt(_member(request), public_id)
    return render(
        request,
        "payments/receipt.html",
        {
            "receipt": found,
            "lines": lines(found),
            "refunds": found.refunds.filter(status="succeeded"),
        },
    )


@login_required
@require_GET
def receipt_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    found = selectors.own_receipt(_member(request), public_id)
    return pdf_response(found)


def pdf_response(found: Any) -> HttpResponse:
    response = HttpResponse(render_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{found.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Disputes ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dispute_new(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = _member(request)
    current = selectors.own_order(member, public_id)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume("dispute", member.pk, limit=5, seconds=86400):
            form.add_error(None, _("You have opened several cases today. Please write to us."))
        else:
            try:
                case = actions.open_member_dispute(
                    order=current,
                    member=member,
                    reason=form.cleaned_data["reason"],
                    message=form.cleaned_data["message"],
                )
            except ActionRefused as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("Your case is opened; the team will answer you."))
                return redirect("payments:dispute", case.public_id)
    return render(request, "payments/dispute_new.html", {"order": current, "form": form})


@login_required
@require_GET
def dispute(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = selectors.own_dispute(_member(request), public_id)
    return _dispute_page(request, case, MessageForm(), EvidenceForm())


def _dispute_page(
    request: HttpRequest,
    case: Any,
    message_form: MessageForm,
    evidence_form: EvidenceForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "payments/dispute.html",
        {
            "dispute": case,
            "events": case.events.all(),
            "evidence": case.evidence.all(),
            "message_form": message_form,
            "evidence_form": evidence_form,
        },
        status=status,
    )


@login_required
@require_POST
def dispute_message(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = _member(request)
    case = selectors.own_dispute(member, public_id)
    form = MessageForm(request.POST)
    if form.is_valid():
        if not ratelimit.consume("dispute_message", member.pk, limit=30, seconds=3600):
            form.add_error(None, _("Too many messages in a short time. Please wait a little."))
        else:
            try:
                actions.post_dispute_message(
                    dispute=case, author=member, text=form.cleaned_data["text"], from_team=False
                )
            except ActionRefused as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("Your message is added to the case."))
                return redirect("payments:dispute", case.public_id)
    return _dispute_page(request, case, form, EvidenceForm(), status=400)


@login_required
@require_POST
def dispute_evidence(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = _member(request)
    case = selectors.own_dispute(member, public_id)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        if not ratelimit.consume("evidence", member.pk, limit=20, seconds=86400):
            form.add_error(None, _("Too many files today. Please write to us."))
        else:
            try:
                actions.add_dispute_evidence(
                    dispute=case,
                    upload=form.cleaned_data["file"],
                    author=member,
                    from_team=False,
                    ip=client_ip(request),
                )
            except ActionRefused as refusal:  # a refused file, or the malware scan's answer
                form.add_error("file", str(refusal.message))
                return _dispute_page(request, case, MessageForm(), form, status=refusal.status)
            else:
                messages.success(request, _("Your document is added to the case."))
                return redirect("payments:dispute", case.public_id)
    return _dispute_page(request, case, MessageForm(), form, status=400)


@login_required
@require_GET
def dispute_evidence_file(
    request: HttpRequest, public_id: UUID, evidence_id: int
) -> HttpResponseBase:
    case = selectors.own_dispute(_member(request), public_id)
    item = get_object_or_404(case.evidence, pk=evidence_id)
    return evidence_response(item)


def evidence_response(item: Any) -> FileResponse:
    if item.is_quarantined:  # found infected by a later rescan: never served again
        raise Http404
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Webhooks ------------------------------------------------------------------------------


def _webhook(request: HttpRequest, provider_key: str) -> HttpResponse:
    if not ratelimit.consume(f"webhook_{provider_key}", client_ip(request), limit=600, seconds=60):
        return JsonResponse({"error": "rate limited"}, status=429)
    provider = providers.get(provider_key)
    if not provider.is_configured():
        return JsonResponse({"error": "not configured"}, status=404)
    try:
        # Signed or not, a payload of the wrong shape is refused, never a 500.
        with machine.reading():
            event = provider.parse_webhook(request)
    except (InvalidWebhook, machine.MalformedPayload) as error:
        logger.warning("Refused a %s webhook: %s", provider_key, error)
        return JsonResponse({"error": "invalid signature or payload"}, status=400)
    except ProviderUnavailable:
        # PayPal could not be asked to verify it: the processor will send it again.
        return JsonResponse({"error": "cannot verify now"}, status=503)
    try:
        outcome = actions.handle_event(provider_key=provider_key, event=event)
    except ProviderUnavailable:
        return JsonResponse({"error": "processor unavailable"}, status=503)
    except ActionRefused as error:
        # Refused, or the processor refused our follow-up call (a capture): staff must
        # look, and the processor must not resend the event forever.
        logger.warning("A %s webhook's follow-up was refused: %s", provider_key, error.code)
        return JsonResponse({"outcome": "refused"}, status=200)
    return JsonResponse({"outcome": outcome})


@csrf_exempt  # signed by the processor, checked in parse_webhook
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    return _webhook(request, "stripe")


@csrf_exempt  # verified with PayPal's verify-webhook-signature call
@require_POST
def paypal_webhook(request: HttpRequest) -> HttpResponse:
    return _webhook(request, "paypal")
