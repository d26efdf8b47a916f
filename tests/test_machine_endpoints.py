"""Addresses machines call never answer 500 (issue 11, finding 5, first half).

Every webhook and machine endpoint receives hypothesis-generated JSON (lists,
strings, nulls, objects of the wrong types), unsigned and, where we can sign it,
signed with the right key: the answer is always a 4xx (or the endpoint's own 2xx
for a well-formed signed event), never a 5xx.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import stripe
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from petite.marketing.tests.factories import mailgun_signature

# Any JSON value, nested a little: what a careless or hostile client sends.
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
# Objects with the keys the endpoints read, holding values of any type.
KEYS = [
    "signature",
    "event-data",
    "event",
    "recipient",
    "message",
    "headers",
    "token",
    "timestamp",
    "id",
    "type",
    "data",
    "object",
    "event_type",
    "resource",
]
SHAPED = st.dictionaries(st.sampled_from(KEYS), JSON, max_size=6)
PAYLOADS = JSON | SHAPED | st.dictionaries(st.sampled_from(KEYS), SHAPED, max_size=4)

FUZZ = hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

MAILGUN_KEY = "mailgun-test-signing-key"
STRIPE_SECRET = "whsec_test_secret"

MACHINE_ENDPOINTS = [
    "/webhooks/mailgun/tracking/",
    "/webhooks/anymail/mailgun/inbound/",
    "/webhooks/anymail/mailgun/inbound_mime/",
    "/webhooks/stripe/",
    "/webhooks/paypal/",
    "/unsubscribe/not-a-token/",
    "/o/token/",
    "/o/revoke_token/",
    "/o/userinfo/",
]


@pytest.fixture
def machine(settings: Any) -> Client:
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}
    settings.PETITE_STRIPE_SECRET_KEY = "sk_test_x"
    settings.PETITE_STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    settings.PETITE_STRIPE_WEBHOOK_SECRET = STRIPE_SECRET
    # PayPal configured but unreachable: a payload must be refused before it is asked.
    settings.PETITE_PAYPAL_CLIENT_ID = "client"
    settings.PETITE_PAYPAL_CLIENT_SECRET = "secret"
    settings.PETITE_PAYPAL_WEBHOOK_ID = "webhook"
    settings.PETITE_PAYPAL_API_BASE = "http://127.0.0.1:9"
    return Client()


def _answer(client: Client, url: str, body: bytes, content_type: str, **headers: Any) -> int:
    response = client.generic("POST", url, body, content_type=content_type, **headers)
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload", [[], "hello", None, 0, {"signature": None, "event-data": None}], ids=repr
)
def test_finding_5_500s_mailgun_tracking_with_bad_json(machine: Client, payload: Any) -> None:
    """The probe's own cases: ``[]``, ``"hello"``, nulls (a TypeError before the signature)."""
    status = _answer(
        machine, "/webhooks/mailgun/tracking/", json.dumps(payload).encode(), "application/json"
    )
    assert 400 <= status < 500


@pytest.mark.django_db
@pytest.mark.parametrize("url", MACHINE_ENDPOINTS)
@given(payload=PAYLOADS, as_form=st.booleans())
@FUZZ
def test_machine_endpoints_never_answer_500(
    machine: Client, url: str, payload: Any, as_form: bool
) -> None:
    if as_form:
        fields = payload if isinstance(payload, dict) else {"body": payload}
        body = "&".join(f"{k}={json.dumps(v)}" for k, v in fields.items()).encode()
        status = _answer(machine, url, body, "application/x-www-form-urlencoded")
    else:
        status = _answer(machine, url, json.dumps(payload).encode(), "application/json")
    assert status < 500, (url, payload)


@pytest.mark.django_db
@given(event_data=PAYLOADS)
@FUZZ
def test_signed_mailgun_tracking_with_any_event_data_is_not_a_500(
    machine: Client, event_data: Any
) -> None:
    body = json.dumps({"signature": mailgun_signature(MAILGUN_KEY), "event-data": event_data})
    status = _answer(machine, "/webhooks/mailgun/tracking/", body.encode(), "application/json")
    assert status < 500, event_data


@pytest.mark.django_db
@given(payload=PAYLOADS)
@FUZZ
def test_signed_stripe_webhook_with_any_payload_is_not_a_500(machine: Client, payload: Any) -> None:
    raw = json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(raw, STRIPE_SECRET)
    status = _answer(
        machine, "/webhooks/stripe/", raw.encode(), "application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert status < 500, payload
