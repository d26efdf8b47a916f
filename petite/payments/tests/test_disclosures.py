"""Only what a payment needs leaves the Platform, and each transmission is logged (S1).

The fake processors record every request they receive; the tests compare what
arrived, field by field, with what the member's disclosure log says was sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from petite.accounts.models import Member
from petite.accounts.tests.factories import signed_in
from petite.payments.models import Offer, Order
from petite.privacy import export
from petite.privacy.models import Disclosure

from .conftest import browser_pays
from .fakes import FakePayPal, RecordingProxy


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": [1]}} → {"a.b.0": 1}: every leaf of a JSON body, by path."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out.update(flatten(inner, f"{prefix}{key}."))
        return out
    if isinstance(value, list):
        out = {}
        for index, inner in enumerate(value):
            out.update(flatten(inner, f"{prefix}{index}."))
        return out
    return {prefix.rstrip("."): value}


def assert_nothing_about(member: Member, bodies: list[bytes]) -> None:
    for body in bodies:
        text = body.decode().lower()
        for identifier in (member.email, member.first_name, member.last_name):
            assert identifier.lower() not in text


@pytest.mark.clause("S1")
def test_stripe_receives_exactly_the_fields_the_disclosure_log_names(
    alice: Member, offer: Offer, stripe_api: RecordingProxy, localstripe: str, staff_client: Client
) -> None:
    client = signed_in(alice)
    client.post(reverse("payments:order_create", args=[offer.slug]), {"provider": "stripe"})
    order = Order.objects.get(member=alice)

    (create,) = stripe_api.requests_to("/v1/payment_intents")
    # Each field Stripe received, mapped to the name the disclosure log uses for it.
    sent_as = {
        "amount": "amount",
        "currency": "currency",
        "metadata[order]": "order_reference",
    }
    assert set(create.form) == set(sent_as)
    assert create.form == {
        "amount": "1250",
        "currency": "eur",
        "metadata[order]": order.reference,
    }
    (logged,) = Disclosure.objects.filter(member=alice)
    assert logged.recipient == "stripe"
    assert logged.purpose == "P3"
    assert logged.fields == sorted(sent_as.values())
    assert logged.categories == ["payments"]
    assert order.reference in logged.reference

    browser_pays(localstripe, order.provider_reference)
    client.get(reverse("payments:return", args=[order.public_id]))
    # Asking where the payment stands sends nothing about the member: no new entry.
    assert Disclosure.objects.filter(member=alice).count() == 1
    assert all(r.body == b"" for r in stripe_api.received if r.method == "GET")

    staff_client.post(reverse("admin:payments_order_refund", args=[order.pk]), {"amount": "2.00"})
    (refund,) = stripe_api.requests_to("/v1/refunds")
    assert set(refund.form) == {"payment_intent", "amount"}
    refund_log = Disclosure.objects.filter(member=alice).order_by("at", "pk").last()
    assert refund_log is not None
    assert refund_log.fields == ["amount", "payment_reference"]

    assert_nothing_about(alice, [r.body for r in stripe_api.received])


@pytest.mark.clause("S1")
def test_paypal_receives_exactly_the_fields_the_disclosure_log_names(
    alice: Member, offer: Offer, paypal_api: FakePayPal
) -> None:
    client = signed_in(alice)
    client.post(reverse("payments:order_create", args=[offer.slug]), {"provider": "paypal"})
    order = Order.objects.get(member=alice)
    (create,) = paypal_api.requests_to("/v2/checkout/orders")
    sent = flatten(create.json)
    return_url = "http://testserver" + reverse("payments:return", args=[order.public_id])
    cancel_url = "http://testserver" + reverse("payments:order", args=[order.public_id])
    assert sent == {
        "intent": "CAPTURE",
        "purchase_units.0.custom_id": order.reference,  # order_reference
        "purchase_units.0.amount.currency_code": "EUR",  # currency
        "purchase_units.0.amount.value": "12.50",  # amount
        # Settings of ours, and the addresses to come back to (the order's random id only).
        "payment_source.paypal.experience_context.shipping_preference": "NO_SHIPPING",
        "payment_source.paypal.experience_context.user_action": "PAY_NOW",
        "payment_source.paypal.experience_context.return_url": return_url,
        "payment_source.paypal.experience_context.cancel_url": cancel_url,
    }
    paypal_api.approve(order.provider_reference)
    client.get(reverse("payments:return", args=[order.public_id]))
    (capture,) = paypal_api.requests_to("/capture")
    assert capture.body in (b"", b"null", b"{}")

    logs = list(Disclosure.objects.filter(member=alice).order_by("at", "pk"))
    assert [(d.recipient, d.fields) for d in logs] == [
        ("paypal", ["amount", "currency", "order_reference"]),
        ("paypal", ["payment_reference"]),
    ]
    assert_nothing_about(alice, [r.body for r in paypal_api.received])


@pytest.mark.clause("S1")
def test_an_attempt_that_failed_is_logged_as_sent(
    alice: Member, offer: Offer, paypal_api: FakePayPal, settings: Any
) -> None:
    settings.PETITE_PAYMENTS_TIMEOUT_SECONDS = 0.5
    paypal_api.delay = 1.5
    signed_in(alice).post(
        reverse("payments:order_create", args=[offer.slug]), {"provider": "paypal"}
    )
    paypal_api.delay = 0
    (logged,) = Disclosure.objects.filter(member=alice)
    assert "failed" in logged.reference
    assert logged.fields == ["amount", "currency", "order_reference"]


@pytest.mark.clause("S1")
def test_the_disclosure_log_and_the_orders_are_in_the_members_export(
    alice: Member, offer: Offer, paypal_api: FakePayPal, tmp_path: Path
) -> None:
    import json
    import zipfile

    client = signed_in(alice)
    client.post(reverse("payments:order_create", args=[offer.slug]), {"provider": "paypal"})
    order = Order.objects.get(member=alice)
    paypal_api.approve(order.provider_reference)
    client.get(reverse("payments:return", args=[order.public_id]))

    path = tmp_path / "archive.zip"
    export.write_archive(alice, str(path))
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("data.json"))
    records = {r["model"]: r["items"] for r in data["records"]}
    assert len(records["privacy.Disclosure"]) == 2
    assert len(records["payments.Order"]) == 1
    assert len(records["payments.Receipt"]) == 1
    assert order.reference in json.dumps(records["payments.Receipt"])
