"""Requests e-mailed to the privacy address, through Mailgun's signed inbound webhook (U2, U3)."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.urls import reverse

from petite.accounts.tests.factories import address
from petite.datarequests.models import DataRequest, DataRequestEvent

from .conftest import SIGNING_KEY
from .factories import (
    STRANGER,
    DataRequestFactory,
    mailgun_parsed_post,
    mailgun_post,
    raw_email,
)

# What the desk keeps (attachments, the quarantine) is scanned by a real clamd first (P8).
pytestmark = pytest.mark.usefixtures("clamd")


@pytest.fixture
def webhook() -> str:
    return reverse("datarequests_inbound:mailgun_mime")


@pytest.mark.clause("U2", "U3")
def test_a_signed_e_mail_to_the_privacy_address_becomes_a_request(client, db, webhook):
    response = client.post(webhook, mailgun_post(raw_email(), key=SIGNING_KEY))

    assert response.status_code == 200
    data_request = DataRequest.objects.get()
    received = data_request.events.get(kind=DataRequestEvent.Kind.RECEIVED)
    assert (data_request.channel, data_request.kind, data_request.requester_email) == (
        DataRequest.Channel.EMAIL,
        DataRequest.Kind.ACCESS,
        STRANGER,
    )
    assert data_request.requester_name == "Claire Dupont"
    assert received.subject == "Access to my data"
    assert "a copy of the personal data" in received.text


@pytest.mark.clause("U2", "U4")
def test_mailgun_s_parsed_variant_becomes_a_request_too(client, db):
    # ".../inbound/" (no "mime"): Mailgun parses the message and sends attachments
    # as files, so that large attachments stay out of the form fields.
    url = reverse("datarequests_inbound:mailgun")
    post = mailgun_parsed_post(
        key=SIGNING_KEY, subject="Rectification", body="Mon nom est mal orthographié."
    )

    response = client.post(url, post)

    assert response.status_code == 200
    data_request = DataRequest.objects.get()
    assert data_request.kind == DataRequest.Kind.RECTIFICATION
    assert data_request.language == "fr"


@pytest.mark.clause("U2", "SEC1")
def test_an_unsigned_post_is_refused_and_nothing_is_stored(client, db, webhook, caplog):
    fields = mailgun_post(raw_email(), key=SIGNING_KEY)
    del fields["signature"]

    with caplog.at_level(logging.WARNING, logger="django.security"):
        response = client.post(webhook, fields)

    assert response.status_code == 400
    assert not DataRequest.objects.exists()
    assert any("without required security fields" in r.getMessage() for r in caplog.records)


@pytest.mark.clause("U2", "SEC1")
def test_a_forged_signature_is_refused_and_nothing_is_stored(
    client, db, webhook, caplog, quarantine_dir
):
    forged = mailgun_post(raw_email(), key="not-our-key")

    with caplog.at_level(logging.WARNING, logger="django.security"):
        response = client.post(webhook, forged)

    assert response.status_code == 400
    assert not DataRequest.objects.exists()
    assert not quarantine_dir.exists()
    assert any("incorrect signature" in r.getMessage() for r in caplog.records)


@pytest.mark.clause("U2")
def test_a_signed_post_without_a_message_is_refused_with_its_fields_kept(
    client, db, webhook, caplog, quarantine_dir
):
    fields = mailgun_post(b"", key=SIGNING_KEY)
    del fields["body-mime"]

    with caplog.at_level(logging.WARNING, logger="django.security"):
        response = client.post(webhook, fields)

    assert response.status_code == 400
    assert not DataRequest.objects.exists()
    assert len(list(quarantine_dir.glob("*.eml"))) == 1
    assert any("signed but unreadable" in r.getMessage() for r in caplog.records)


@pytest.mark.clause("U2")
def test_mail_to_another_address_is_ignored_with_a_logged_reason(client, db, webhook, caplog):
    other = address("sales", "petite.example")
    post = mailgun_post(raw_email(to=other), key=SIGNING_KEY, recipient=other)

    with caplog.at_level(logging.INFO, logger="petite.datarequests"):
        response = client.post(webhook, post)

    assert response.status_code == 200
    assert not DataRequest.objects.exists()
    assert any("not addressed to the privacy address" in r.getMessage() for r in caplog.records)


@pytest.mark.clause("U2")
def test_a_reply_naming_the_reference_joins_its_request(client, db, webhook):
    data_request = DataRequestFactory.create()
    reply = raw_email(
        subject=f"Re: [Petite] {data_request.reference}: we received your request",
        body="Here is the order number you asked for: 4521.",
    )

    client.post(webhook, mailgun_post(reply, key=SIGNING_KEY))

    assert DataRequest.objects.count() == 1
    message = data_request.events.get(kind=DataRequestEvent.Kind.MESSAGE_IN)
    assert "order number you asked for" in message.text


@pytest.mark.clause("U2")
def test_a_reference_quoted_from_another_address_starts_a_new_request(client, db, webhook):
    data_request = DataRequestFactory.create()
    intruder = raw_email(
        sender=address("mallory", "example.net"),
        subject=f"Re: {data_request.reference}",
        body="Please send the export to me instead.",
    )

    client.post(webhook, mailgun_post(intruder, key=SIGNING_KEY))

    assert DataRequest.objects.count() == 2
    assert not data_request.events.filter(kind=DataRequestEvent.Kind.MESSAGE_IN).exists()


@pytest.mark.clause("U2")
def test_the_same_e_mail_delivered_twice_is_one_request(client, db, webhook):
    raw = raw_email()

    client.post(webhook, mailgun_post(raw, key=SIGNING_KEY))
    client.post(webhook, mailgun_post(raw, key=SIGNING_KEY))

    assert DataRequest.objects.count() == 1


@pytest.mark.clause("U2")
def test_an_out_of_office_reply_is_not_a_request(client, db, webhook):
    auto = raw_email(
        subject="Absent", body="I am away.", headers={"Auto-Submitted": "auto-replied"}
    )

    client.post(webhook, mailgun_post(auto, key=SIGNING_KEY))

    assert not DataRequest.objects.exists()
    assert mail.outbox == []


@pytest.mark.clause("U2")
def test_a_signed_message_without_a_sender_is_quarantined_not_lost(
    client, db, webhook, quarantine_dir
):
    raw = raw_email().replace(b"From: Claire Dupont <" + STRANGER.encode() + b">\n", b"")

    response = client.post(webhook, mailgun_post(raw, key=SIGNING_KEY))

    assert response.status_code == 200
    assert not DataRequest.objects.exists()
    [kept] = quarantine_dir.glob("*.eml")
    assert kept.read_bytes() == raw
