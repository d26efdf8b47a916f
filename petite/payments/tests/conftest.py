"""Fixtures: the fake processors (started once per session) and a configured Platform."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import stripe
from django.test import Client

from petite.payments.models import Offer

from .fakes import FakePayPal, RecordingProxy, free_port, paypal_signature, start_localstripe

STRIPE_WEBHOOK_SECRET = "whsec_test_" + "petite"
PAYPAL_WEBHOOK_ID = "WH-TEST-PETITE"


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    port = free_port()
    process = start_localstripe(port)
    if process is None:
        pytest.skip("localstripe could not be started (uv tool run --from localstripe)")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def stripe_proxy(localstripe: str) -> Iterator[RecordingProxy]:
    proxy = RecordingProxy(localstripe)
    yield proxy
    proxy.stop()


@pytest.fixture(scope="session")
def paypal_server() -> Iterator[FakePayPal]:
    server = FakePayPal()
    yield server
    server.stop()


@pytest.fixture
def stripe_api(settings: Any, stripe_proxy: RecordingProxy) -> RecordingProxy:
    """The Platform configured for Stripe, talking to localstripe through the recorder."""
    stripe_proxy.received.clear()
    stripe_proxy.delay = 0.0
    settings.PETITE_STRIPE_SECRET_KEY = "sk_test_" + "petite"
    settings.PETITE_STRIPE_PUBLISHABLE_KEY = "pk_test_" + "petite"
    settings.PETITE_STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.PETITE_STRIPE_API_BASE = stripe_proxy.url
    settings.PETITE_PAYMENTS_TIMEOUT_SECONDS = 5
    return stripe_proxy


@pytest.fixture
def paypal_api(settings: Any, paypal_server: FakePayPal) -> FakePayPal:
    paypal_server.reset()
    settings.PETITE_PAYPAL_CLIENT_ID = "client-" + "petite"
    settings.PETITE_PAYPAL_CLIENT_SECRET = "secret-" + "petite"
    settings.PETITE_PAYPAL_WEBHOOK_ID = PAYPAL_WEBHOOK_ID
    settings.PETITE_PAYPAL_API_BASE = paypal_server.url
    settings.PETITE_PAYMENTS_TIMEOUT_SECONDS = 5
    return paypal_server


@pytest.fixture
def offer(db: None) -> Offer:
    return Offer.objects.create(
        slug="portrait-plus",
        name_en="Portrait Plus",
        name_fr="Portrait Plus (FR)",
        description_en="A larger Portrait.",
        price_cents=1250,
    )


def browser_pays(localstripe_url: str, intent_id: str, card: str = "4242424242424242") -> None:
    """What Stripe.js does in the member's browser: card details go to Stripe, not to us."""
    client = stripe.StripeClient("sk_test_" + "petite", base_addresses={"api": localstripe_url})
    method = client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": card, "exp_month": 12, "exp_year": 2040, "cvc": "123"},
        }
    )
    client.v1.payment_intents.update(intent_id, params={"payment_method": method.id})
    with contextlib.suppress(stripe.CardError):  # declined: the PaymentIntent says so
        client.v1.payment_intents.confirm(intent_id)


def stripe_intent(localstripe_url: str, intent_id: str) -> dict[str, Any]:
    client = stripe.StripeClient("sk_test_" + "petite", base_addresses={"api": localstripe_url})
    result: dict[str, Any] = client.v1.payment_intents.retrieve(intent_id).to_dict()
    return result


def send_stripe_event(
    client: Client, event_type: str, obj: dict[str, Any], *, event_id: str = "", secret: str = ""
) -> Any:
    payload = json.dumps(
        {
            "id": event_id or "evt_" + uuid.uuid4().hex[:16],
            "object": "event",
            "type": event_type,
            "data": {"object": obj},
        }
    )
    header = stripe.WebhookSignature.generate_signature_header(
        payload, secret or STRIPE_WEBHOOK_SECRET
    )
    return client.post(
        "/webhooks/stripe/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


def send_paypal_event(
    client: Client,
    event_type: str,
    resource: dict[str, Any],
    *,
    event_id: str = "",
    forged: bool = False,
) -> Any:
    body = json.dumps(
        {
            "id": event_id or "WH-" + uuid.uuid4().hex[:16],
            "event_type": event_type,
            "resource": resource,
        },
        separators=(",", ":"),
    ).encode()
    transmission_id = uuid.uuid4().hex
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    signature = paypal_signature(transmission_id, when, PAYPAL_WEBHOOK_ID, body)
    if forged:
        signature = "0" * len(signature)
    return client.post(
        "/webhooks/paypal/",
        data=body,
        content_type="application/json",
        HTTP_PAYPAL_TRANSMISSION_ID=transmission_id,
        HTTP_PAYPAL_TRANSMISSION_TIME=when,
        HTTP_PAYPAL_TRANSMISSION_SIG=signature,
        HTTP_PAYPAL_CERT_URL="https://api.paypal.com/v1/notifications/certs/CERT-fake",
        HTTP_PAYPAL_AUTH_ALGO="SHA256withRSA",
    )


Sender = Callable[..., Any]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # localstripe keeps its state in one fixed file, so two instances (one per
    # xdist worker) would corrupt each other's: its tests run on one worker
    # (`--dist loadgroup`, Makefile).
    for item in items:
        if "localstripe" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("localstripe"))
