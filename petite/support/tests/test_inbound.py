"""Help requests by e-mail (P6): the same webhook and command as the data-request desk,
replies matched by a signed reply address, forged addresses refused."""

from __future__ import annotations

import io
import sys

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from petite.core.audit import AuditEvent
from petite.datarequests.models import DataRequest
from petite.datarequests.tests.factories import mailgun_post
from petite.support import addresses
from petite.support.models import HelpRequest

from .conftest import SIGNING_KEY, open_for, raw_email, support_address

pytestmark = pytest.mark.clause("P6")


def pipe(raw: bytes) -> str:
    stdout = io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(raw))
    try:
        call_command("receive_data_request_email", stdout=stdout)
    finally:
        sys.stdin = stdin
    return stdout.getvalue()


def test_an_e_mail_to_the_help_address_opens_a_request_not_a_data_request(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = pipe(raw_email(sender="claire@example.net", to=support_address(), subject="Stuck"))

    request = HelpRequest.objects.get()
    assert output.startswith("created: #")
    assert (request.channel, request.subject, request.requester_email) == (
        "email",
        "Stuck",
        "claire@example.net",
    )
    assert not DataRequest.objects.exists()
    assert mail.outbox[0].reply_to == [addresses.reply_address(request.pk)]


def test_an_e_mailed_reply_lands_in_the_right_thread(alice, db):
    ours = open_for(alice)
    other = open_for(alice, subject="Another")

    output = pipe(
        raw_email(sender=alice.email, to=addresses.reply_address(ours.pk), body="More details")
    )

    assert output.startswith("appended")
    assert ours.messages.filter(body="More details", via="email").exists()
    assert not other.messages.filter(body="More details").exists()
    assert HelpRequest.objects.count() == 2


def test_an_e_mailed_reply_through_the_webhook_lands_in_the_thread(alice, client, db):
    ours = open_for(alice)
    to = addresses.reply_address(ours.pk)
    raw = raw_email(sender=alice.email, to=to, body="Via Mailgun")
    response = client.post(
        reverse("datarequests_inbound:mailgun_mime"),
        mailgun_post(raw, key=SIGNING_KEY, recipient=to),
    )

    assert response.status_code == 200
    assert ours.messages.filter(body="Via Mailgun").exists()


def test_a_forged_reply_address_is_refused_and_stores_nothing(alice, db):
    ours = open_for(alice)
    forged = addresses.reply_address(ours.pk).replace(f"+r{ours.pk}.", f"+r{ours.pk}.0")
    guessed = f"help+r{ours.pk}.0123456789abcdef0123@petite.example"

    assert pipe(raw_email(sender=alice.email, to=forged, body="Injected")).startswith("refused")
    assert pipe(raw_email(sender=alice.email, to=guessed, body="Injected")).startswith("refused")

    assert not ours.messages.filter(body="Injected").exists()
    assert HelpRequest.objects.count() == 1
    assert AuditEvent.objects.filter(action="support.reply_refused").count() == 2


def test_a_reply_from_another_sender_is_refused(alice, db):
    ours = open_for(alice)
    output = pipe(
        raw_email(sender="mallory@example.net", to=addresses.reply_address(ours.pk), body="Hi")
    )
    assert output.startswith("refused")
    assert not ours.messages.filter(body="Hi").exists()


def test_mail_for_the_privacy_address_still_reaches_the_data_request_desk(db, settings):
    pipe(
        raw_email(sender="claire@example.net", to=settings.PETITE_PRIVACY_EMAIL, subject="My data")
    )
    assert DataRequest.objects.count() == 1
    assert not HelpRequest.objects.exists()
