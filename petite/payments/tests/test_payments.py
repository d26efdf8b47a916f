"""Paying for an offer with Stripe (localstripe) and PayPal (a fake), end to end (P3)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from petite.accounts.models import Member
from petite.accounts.tests.factories import signed_in
from petite.core.errors import ActionRefused
from petite.core.models import AuditEvent
from petite.payments.models import Offer, Order, Receipt
from petite.privacy.models import Disclosure

from .conftest import browser_pays, send_paypal_event, send_stripe_event, stripe_intent
from .fakes import FakePayPal, RecordingProxy


def order_with(client: Client, offer: Offer, provider: str) -> Any:
    return client.post(reverse("payments:order_create", args=[offer.slug]), {"provider": provider})


def the_order(member: Member) -> Order:
    return Order.objects.get(member=member)


@pytest.mark.clause("P3")
def test_an_order_paid_with_stripe_is_settled_with_a_receipt(
    alice: Member,
    offer: Offer,
    stripe_api: RecordingProxy,
    localstripe: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = signed_in(alice)
    page = order_with(client, offer, "stripe")
    assert page.status_code == 200
    order = the_order(alice)
    assert order.status == Order.Status.PENDING
    assert order.provider_reference.startswith("pi_")
    # The page hands Stripe's form what it needs, and its CSP allows Stripe's script only there.
    content = page.content.decode()
    assert f'data-secret="{order.provider_reference}_secret_' in content
    assert "https://js.stripe.com" in page["Content-Security-Policy"]

    browser_pays(localstripe, order.provider_reference)
    with django_capture_on_commit_callbacks(execute=True):
        back = client.get(reverse("payments:return", args=[order.public_id]))
    assert back.status_code == 302

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.provider_charge_reference.startswith("ch_")
    receipt = Receipt.objects.get(order=order)
    assert re.fullmatch(r"\d{4}-000001", receipt.number)
    assert (receipt.buyer_name, receipt.amount_cents) == ("Alice Martin", 1250)
    (email,) = mail.outbox
    assert email.to == [alice.email]
    assert receipt.number in email.subject
    (_name, pdf, kind) = email.attachments[0]
    assert kind == "application/pdf"
    assert pdf.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="payments.order_paid", target_id=str(order.pk)).exists()

    html = client.get(reverse("payments:receipt", args=[receipt.public_id]))
    assert receipt.number in html.content.decode()
    assert "12.50 EUR" in html.content.decode()
    as_pdf = client.get(reverse("payments:receipt_pdf", args=[receipt.public_id]))
    assert as_pdf["Content-Type"] == "application/pdf"
    assert as_pdf.content.startswith(b"%PDF-")


@pytest.mark.clause("P3")
def test_an_order_paid_with_paypal_is_captured_on_return(
    alice: Member, offer: Offer, paypal_api: FakePayPal
) -> None:
    client = signed_in(alice)
    page = order_with(client, offer, "paypal")
    order = the_order(alice)
    assert page.status_code == 302
    assert page["Location"] == f"{paypal_api.url}/checkoutnow?token={order.provider_reference}"

    paypal_api.approve(order.provider_reference)  # the member approves on PayPal's page
    client.get(reverse("payments:return", args=[order.public_id]))

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.provider_charge_reference.startswith("CAP-")
    assert Receipt.objects.filter(order=order, amount_cents=1250, provider="paypal").exists()
    capture = paypal_api.requests_to("/capture")[0]
    assert capture.headers["PayPal-Request-Id"] == f"petite-{order.reference}-capture"


@pytest.mark.clause("P3")
def test_a_declined_card_leaves_the_order_payable_and_paying_again_reuses_the_payment(
    alice: Member, offer: Offer, stripe_api: RecordingProxy, localstripe: str
) -> None:
    client = signed_in(alice)
    order_with(client, offer, "stripe")
    order = the_order(alice)
    # localstripe declines this card when it is charged (4000000000000002 only when
    # it is attached to a customer, which a one-off payment does not do).
    browser_pays(localstripe, order.provider_reference, card="4000000000000341")
    page = client.get(reverse("payments:return", args=[order.public_id]), follow=True)

    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert order.failure_code == "card_declined"
    assert "declined" in page.content.decode()
    assert not Receipt.objects.exists()

    again = client.post(reverse("payments:pay", args=[order.public_id]))
    assert again.status_code == 200
    # One PaymentIntent per order, ever: the second attempt resumes it.
    assert len(stripe_api.requests_to("/v1/payment_intents")) == 1
    assert stripe_api.requests_to("/v1/payment_intents")[0].headers["Idempotency-Key"] == (
        f"petite-{order.reference}-start"
    )


@pytest.mark.clause("P3")
def test_a_slow_processor_gives_a_clear_message_and_the_order_stays_pending(
    alice: Member, offer: Offer, paypal_api: FakePayPal, settings: Any
) -> None:
    settings.PETITE_PAYMENTS_TIMEOUT_SECONDS = 0.5
    paypal_api.delay = 1.5
    client = signed_in(alice)
    page = order_with(client, offer, "paypal")
    order = the_order(alice)
    assert page.status_code == 302
    assert page["Location"].endswith(f"/orders/{order.public_id}/")
    shown = client.get(page["Location"]).content.decode()
    assert "not answering" in shown
    assert order.status == Order.Status.PENDING
    assert order.provider_reference == ""

    # Later it answers: the same order goes on, with the same idempotency key.
    paypal_api.delay = 0
    page = client.post(reverse("payments:pay", args=[order.public_id]))
    assert page.status_code == 302
    assert "checkoutnow" in page["Location"]
    keys = {
        r.headers.get("PayPal-Request-Id") for r in paypal_api.requests_to("/v2/checkout/orders")
    }
    assert keys == {f"petite-{order.reference}-start"}


@pytest.mark.clause("P3")
def test_a_stripe_timeout_is_reported_and_nothing_is_charged(
    alice: Member, offer: Offer, stripe_api: RecordingProxy, settings: Any
) -> None:
    settings.PETITE_PAYMENTS_TIMEOUT_SECONDS = 0.5
    stripe_api.delay = 1.5
    client = signed_in(alice)
    page = order_with(client, offer, "stripe")
    stripe_api.delay = 0
    order = the_order(alice)
    assert page.status_code == 302
    assert order.status == Order.Status.PENDING
    assert "not answering" in client.get(page["Location"]).content.decode()


@pytest.mark.clause("P3")
def test_a_processor_error_leaves_the_order_pending(
    alice: Member, offer: Offer, paypal_api: FakePayPal
) -> None:
    paypal_api.state.fail_status = 503
    client = signed_in(alice)
    page = order_with(client, offer, "paypal")
    assert "not answering" in client.get(page["Location"]).content.decode()
    assert the_order(alice).status == Order.Status.PENDING


@pytest.mark.clause("P3")
def test_a_late_stripe_webhook_settles_an_order_whose_member_never_came_back(
    alice: Member, offer: Offer, stripe_api: RecordingProxy, localstripe: str
) -> None:
    order_with(signed_in(alice), offer, "stripe")
    order = the_order(alice)
    browser_pays(localstripe, order.provider_reference)
    response = send_stripe_event(
        Client(), "payment_intent.succeeded", stripe_intent(localstripe, order.provider_reference)
    )
    assert response.json() == {"outcome": "succeeded"}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Receipt.objects.filter(order=order).count() == 1


@pytest.mark.clause("P3")
def test_a_paypal_approval_webhook_captures_when_the_member_never_came_back(
    alice: Member, offer: Offer, paypal_api: FakePayPal
) -> None:
    order_with(signed_in(alice), offer, "paypal")
    order = the_order(alice)
    paypal_api.approve(order.provider_reference)
    resource = paypal_api.state.orders[order.provider_reference]
    response = send_paypal_event(Client(), "CHECKOUT.ORDER.APPROVED", resource)
    assert response.json() == {"outcome": "approved"}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    # The capture completed webhook arriving afterwards changes nothing.
    capture = paypal_api.state.orders[order.provider_reference]["purchase_units"][0]["payments"][
        "captures"
    ][0]
    again = send_paypal_event(Client(), "PAYMENT.CAPTURE.COMPLETED", capture)
    assert again.json() == {"outcome": "succeeded"}
    assert Receipt.objects.filter(order=order).count() == 1


@pytest.mark.clause("P3")
def test_a_duplicate_webhook_is_processed_once(
    alice: Member, offer: Offer, stripe_api: RecordingProxy, localstripe: str
) -> None:
    order_with(signed_in(alice), offer, "stripe")
    order = the_order(alice)
    browser_pays(localstripe, order.provider_reference)
    intent = stripe_intent(localstripe, order.provider_reference)
    first = send_stripe_event(Client(), "payment_intent.succeeded", intent, event_id="evt_same")
    second = send_stripe_event(Client(), "payment_intent.succeeded", intent, event_id="evt_same")
    assert first.json() == {"outcome": "succeeded"}
    assert second.json() == {"outcome": "duplicate"}
    assert Receipt.objects.count() == 1
    assert AuditEvent.objects.filter(action="payments.order_paid").count() == 1


@pytest.mark.clause("P3")
def test_events_out_of_order_never_move_an_order_backwards(
    alice: Member, offer: Offer, stripe_api: RecordingProxy, localstripe: str
) -> None:
    order_with(signed_in(alice), offer, "stripe")
    order = the_order(alice)
    browser_pays(localstripe, order.provider_reference)
    intent = stripe_intent(localstripe, order.provider_reference)
    latest = intent["latest_charge"]  # localstripe expands it; Stripe sends its id
    charge = {
        "id": latest["id"] if isinstance(latest, dict) else latest,
        "object": "charge",
        "payment_intent": order.provider_reference,
        "amount": 1250,
        "amount_refunded": 1250,
        "metadata": {},
    }
    # The refund arrives first: it proves the payment, so the order is paid then refunded.
    assert send_stripe_event(Client(), "charge.refunded", charge).json() == {"outcome": "refunded"}
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.REFUNDED, 1250)
    assert Receipt.objects.filter(order=order).count() == 1
    # The late success and a stale failure change nothing.
    send_stripe_event(Client(), "payment_intent.succeeded", intent)
    failed = {
        **intent,
        "status": "requires_payment_method",
        "last_payment_error": {"code": "card_declined"},
    }
    send_stripe_event(Client(), "payment_intent.payment_failed", failed)
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.REFUNDED, 1250)
    assert Receipt.objects.filter(order=order).count() == 1


@pytest.mark.clause("P3")
def test_a_forged_stripe_signature_is_refused(
    alice: Member, offer: Offer, stripe_api: RecordingProxy, localstripe: str
) -> None:
    order_with(signed_in(alice), offer, "stripe")
    order = the_order(alice)
    browser_pays(localstripe, order.provider_reference)
    intent = stripe_intent(localstripe, order.provider_reference)
    forged = send_stripe_event(Client(), "payment_intent.succeeded", intent, secret="whsec_wrong")
    unsigned = Client().post("/webhooks/stripe/", data="{}", content_type="application/json")
    assert (forged.status_code, unsigned.status_code) == (400, 400)
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


@pytest.mark.clause("P3")
def test_a_forged_paypal_signature_is_refused(
    alice: Member, offer: Offer, paypal_api: FakePayPal
) -> None:
    order_with(signed_in(alice), offer, "paypal")
    order = the_order(alice)
    paypal_api.approve(order.provider_reference)
    resource = paypal_api.state.orders[order.provider_reference]
    response = send_paypal_event(Client(), "CHECKOUT.ORDER.APPROVED", resource, forged=True)
    assert response.status_code == 400
    assert paypal_api.requests_to("/verify-webhook-signature")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


@pytest.mark.clause("P3")
def test_staff_refund_an_order_through_its_processor(
    alice: Member, offer: Offer, stripe_api: RecordingProxy, localstripe: str, staff_client: Client
) -> None:
    client = signed_in(alice)
    order_with(client, offer, "stripe")
    order = the_order(alice)
    browser_pays(localstripe, order.provider_reference)
    client.get(reverse("payments:return", args=[order.public_id]))

    page = staff_client.get(reverse("admin:payments_order_change", args=[order.pk]))
    assert reverse("admin:payments_order_refund", args=[order.pk]) in page.content.decode()
    response = staff_client.post(
        reverse("admin:payments_order_refund", args=[order.pk]), {"amount": "5.00"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.PARTIALLY_REFUNDED, 500)
    (call,) = stripe_api.requests_to("/v1/refunds")
    assert call.form == {"payment_intent": order.provider_reference, "amount": "500"}
    assert call.headers["Idempotency-Key"].startswith(f"petite-{order.reference}-refund-")
    refund = order.refunds.get()
    assert refund.status == "succeeded"
    assert refund.provider_reference.startswith("re_")
    assert refund.receipt == Receipt.objects.get(order=order)

    staff_client.post(reverse("admin:payments_order_refund", args=[order.pk]), {"amount": "7.50"})
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    too_much = staff_client.post(
        reverse("admin:payments_order_refund", args=[order.pk]), {"amount": "1.00"}
    )
    assert too_much.status_code == 200
    assert "paid order" in too_much.content.decode()


@pytest.mark.clause("P3")
def test_staff_refund_a_paypal_order(
    alice: Member, offer: Offer, paypal_api: FakePayPal, staff_client: Client
) -> None:
    client = signed_in(alice)
    order_with(client, offer, "paypal")
    order = the_order(alice)
    paypal_api.approve(order.provider_reference)
    client.get(reverse("payments:return", args=[order.public_id]))
    staff_client.post(reverse("admin:payments_order_refund", args=[order.pk]), {"amount": "12.50"})
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    (call,) = paypal_api.requests_to("/refund")
    assert call.path == f"/v2/payments/captures/{order.provider_charge_reference}/refund"
    assert call.json == {"amount": {"currency_code": "EUR", "value": "12.50"}}


@pytest.mark.clause("P3")
def test_without_keys_the_offers_say_payments_are_not_configured(
    alice: Member, offer: Offer
) -> None:
    client = signed_in(alice)
    page = client.get(reverse("payments:offer", args=[offer.slug])).content.decode()
    assert "Payments are not configured" in page
    assert 'name="provider"' not in page
    refused = order_with(client, offer, "stripe")
    assert refused.status_code == 400
    assert not Order.objects.exists()


@pytest.mark.clause("P3")
def test_the_demo_processor_pays_without_anything_leaving(
    alice: Member, offer: Offer, settings: Any
) -> None:
    settings.PETITE_PAYMENTS_DEMO = True
    client = signed_in(alice)
    page = order_with(client, offer, "demo")
    order = the_order(alice)
    assert page["Location"] == reverse("payments:demo", args=[order.public_id])
    client.post(page["Location"], {"decision": "pay"}, follow=True)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Receipt.objects.filter(order=order).exists()
    assert not Disclosure.objects.exists()


@pytest.mark.clause("P3")
def test_a_refund_settled_meanwhile_is_not_counted_twice(
    alice: Member, offer: Offer, staff: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    from petite.payments import actions
    from petite.payments.models import Refund
    from petite.payments.providers.demo import DemoProvider

    from .factories import paid_order

    order = paid_order(alice, offer, provider="demo")
    refund_at_processor = DemoProvider.refund

    def refund_while_another_submit_finishes(self: Any, order: Order, **kwargs: Any) -> Any:
        # The same form, submitted twice: the other request settles the same refund first.
        result = refund_at_processor(self, order, **kwargs)
        Refund.objects.filter(idempotency_key=kwargs["idempotency_key"]).update(
            status=Refund.Status.SUCCEEDED
        )
        Order.objects.filter(pk=order.pk).update(
            refunded_cents=kwargs["amount_cents"], status=Order.Status.PARTIALLY_REFUNDED
        )
        return result

    monkeypatch.setattr(DemoProvider, "refund", refund_while_another_submit_finishes)

    actions.refund_order(order=order, amount_cents=500, actor=staff)

    order.refresh_from_db()
    assert (order.refunded_cents, order.status) == (500, Order.Status.PARTIALLY_REFUNDED)
    assert order.refunds.get().status == Refund.Status.SUCCEEDED


@pytest.mark.clause("P3")
def test_a_refund_left_unanswered_can_be_retried_only_with_the_same_amount(
    alice: Member, offer: Offer, staff: Member
) -> None:
    from petite.payments import actions
    from petite.payments.models import Refund

    from .factories import paid_order

    order = paid_order(alice, offer, provider="demo")
    # The processor did not answer the first attempt: its row waits with its key.
    waiting = Refund.objects.create(
        order=order, amount_cents=500, idempotency_key=f"petite-{order.reference}-refund-first"
    )

    with pytest.raises(ActionRefused, match="still waiting"):
        actions.refund_order(order=order, amount_cents=700, actor=staff)
    retried = actions.refund_order(order=order, amount_cents=500, actor=staff)

    assert retried.pk == waiting.pk
    assert retried.status == Refund.Status.SUCCEEDED
    order.refresh_from_db()
    assert order.refunded_cents == 500
    assert order.refunds.count() == 1


@pytest.mark.clause("P3")
def test_paypal_giving_no_approval_address_is_a_clear_message_not_a_card_form(
    alice: Member, offer: Offer, paypal_api: FakePayPal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from petite.payments import actions
    from petite.payments.providers.base import Checkout

    client = signed_in(alice)
    order_with(client, offer, "paypal")
    order = the_order(alice)
    # An order PayPal already approved, or one that expired: no approval link comes back.
    monkeypatch.setattr(
        actions, "start_payment", lambda **kwargs: Checkout(reference="ORDER-1", created=False)
    )

    response = client.post(reverse("payments:pay", args=[order.public_id]), follow=True)

    page = response.content.decode()
    assert "The payment could not be processed. Nothing was charged." in page
    assert "js.stripe.com" not in page
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
