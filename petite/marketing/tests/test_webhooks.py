"""Bounces and complaints reported by Mailgun through anymail's signed tracking webhook
suppress the address; anything unsigned is refused (P10)."""

from __future__ import annotations

import json
import logging

import pytest
from django.core import mail

from petite.accounts.tests.factories import address
from petite.core.models import AuditEvent
from petite.marketing import actions
from petite.marketing.addresses import address_hash
from petite.marketing.models import ConsentRecord, Source, Subscription, Suppression
from petite.privacy import consent, purposes

from .conftest import SIGNING_KEY, subscribe
from .factories import CampaignFactory, mailgun_event

pytestmark = pytest.mark.clause("P10")

URL = "/webhooks/mailgun/tracking/"


def post(client, body: str):
    return client.post(URL, body, content_type="application/json")


def test_a_permanent_bounce_suppresses_the_address(client, alice, newsletter):
    subscribe(alice, newsletter)

    response = post(
        client,
        mailgun_event(
            "failed",
            alice.email,
            key=SIGNING_KEY,
            severity="permanent",
            reason="bounce",
            **{"delivery-status": {"code": 550, "description": "No such mailbox"}},
        ),
    )

    assert response.status_code == 200
    entry = Suppression.objects.get()
    assert entry.address_hash == address_hash(alice.email)
    assert (entry.reason, entry.member) == (Suppression.Reason.BOUNCE, alice)
    assert alice.email not in json.dumps(list(Suppression.objects.values()), default=str)
    assert not consent.given(purposes.P10, member=alice, topic="newsletter")
    # A bounce is not a withdrawal: her choice stays, in case the block is lifted.
    assert Subscription.objects.filter(member=alice).exists()
    assert AuditEvent.objects.filter(action="marketing.address_suppressed").count() == 1


def test_a_temporary_failure_changes_nothing(client, alice, newsletter):
    subscribe(alice, newsletter)

    response = post(
        client, mailgun_event("failed", alice.email, key=SIGNING_KEY, severity="temporary")
    )

    assert response.status_code == 200
    assert not Suppression.objects.exists()


def test_a_complaint_suppresses_the_address_and_withdraws_every_topic(
    client, alice, newsletter, offers
):
    subscribe(alice, newsletter, offers)

    response = post(client, mailgun_event("complained", alice.email.upper(), key=SIGNING_KEY))

    assert response.status_code == 200
    assert Suppression.objects.get().reason == Suppression.Reason.COMPLAINT
    assert not Subscription.objects.filter(member=alice).exists()
    assert set(
        ConsentRecord.objects.filter(choice=ConsentRecord.Choice.OPT_OUT).values_list(
            "source", flat=True
        )
    ) == {Source.COMPLAINT}


def test_a_complaint_after_a_bounce_records_the_stronger_reason(client, alice):
    post(client, mailgun_event("failed", alice.email, key=SIGNING_KEY, severity="permanent"))
    post(client, mailgun_event("complained", alice.email, key=SIGNING_KEY))

    assert list(Suppression.objects.values_list("reason", flat=True)) == [
        Suppression.Reason.COMPLAINT
    ]


def test_the_provider_s_unsubscribe_withdraws_every_topic_without_suppressing(
    client, alice, newsletter
):
    subscribe(alice, newsletter)

    post(client, mailgun_event("unsubscribed", alice.email, key=SIGNING_KEY))

    assert not Subscription.objects.filter(member=alice).exists()
    assert not Suppression.objects.exists()


def test_a_bounce_for_an_address_no_member_has_is_still_suppressed(client, db):
    stranger = address("gone", "example.net")

    post(client, mailgun_event("failed", stranger, key=SIGNING_KEY, severity="permanent"))

    entry = Suppression.objects.get()
    assert entry.member is None
    assert entry.address_hash == address_hash(" Gone" + "@" + "Example.NET ")


def test_an_unsigned_post_is_refused_and_suppresses_nothing(client, alice, caplog):
    body = json.loads(mailgun_event("complained", alice.email, key=SIGNING_KEY))
    del body["signature"]

    with caplog.at_level(logging.WARNING, logger="django.security"):
        response = post(client, json.dumps(body))

    assert response.status_code == 400
    assert not Suppression.objects.exists()


def test_a_post_signed_with_another_key_is_refused_and_suppresses_nothing(client, alice, caplog):
    with caplog.at_level(logging.WARNING, logger="django.security"):
        response = post(client, mailgun_event("complained", alice.email, key="not-our-key"))

    assert response.status_code == 400
    assert not Suppression.objects.exists()
    assert any("incorrect signature" in r.getMessage() for r in caplog.records)


def test_a_suppressed_member_who_subscribes_again_still_gets_no_campaign(
    client, alice, staff, newsletter, django_capture_on_commit_callbacks
):
    post(client, mailgun_event("complained", alice.email, key=SIGNING_KEY))
    subscribe(alice, newsletter)
    assert Subscription.objects.filter(member=alice).exists()

    with django_capture_on_commit_callbacks(execute=True):
        actions.start_sending(campaign=CampaignFactory.create(topic=newsletter), actor=staff)

    assert mail.outbox == []
