"""Requests piped in by the mail server: `manage.py receive_data_request_email` (U2, U6)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from petite.accounts.tests.factories import address
from petite.datarequests.models import DataRequest, DataRequestEvent

from .factories import STRANGER, raw_email

PARIS = ZoneInfo("Europe/Paris")

# What the desk keeps (attachments, the quarantine) is scanned by a real clamd first (P8).
pytestmark = pytest.mark.usefixtures("clamd")


def pipe(raw: bytes, *args: str) -> str:
    """Run the command as a mail server does: the message on standard input."""
    stdout = io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(raw))
    try:
        call_command("receive_data_request_email", *args, stdout=stdout)
    finally:
        sys.stdin = stdin
    return stdout.getvalue()


@pytest.mark.clause("U2")
def test_a_piped_e_mail_becomes_a_request(db):
    output = pipe(
        raw_email(
            subject="Suppression de mon compte", body="Bonjour, merci de supprimer mon compte."
        )
    )

    data_request = DataRequest.objects.get()
    assert output.strip() == f"Data request {data_request.reference} received."
    assert (data_request.kind, data_request.language, data_request.requester_email) == (
        DataRequest.Kind.ACCOUNT_DELETION,
        "fr",
        STRANGER,
    )


@pytest.mark.clause("U6")
def test_a_request_e_mailed_on_31_january_is_due_on_the_last_day_of_february(db):
    with time_machine.travel("2026-01-31 09:15 +01:00", tick=False):
        pipe(raw_email())

    data_request = DataRequest.objects.get()
    assert data_request.due_at.astimezone(PARIS).date() == date(2026, 2, 28)


@pytest.mark.clause("U6")
def test_in_a_leap_year_it_is_due_on_29_february(db):
    with time_machine.travel("2028-01-31 16:00 +01:00", tick=False):
        pipe(raw_email())

    assert DataRequest.objects.get().due_at.astimezone(PARIS).date() == date(2028, 2, 29)


@pytest.mark.clause("U2")
def test_a_malformed_message_exits_non_zero_and_is_kept_in_quarantine(db, quarantine_dir):
    garbage = b"\x00\x01 this is not an e-mail at all \xff\xfe"

    with pytest.raises(CommandError) as refused:
        pipe(garbage)

    assert refused.value.returncode == 65
    assert "quarantine" in str(refused.value)
    [kept] = quarantine_dir.glob("*.eml")
    assert kept.read_bytes() == garbage
    assert not DataRequest.objects.exists()


@pytest.mark.clause("U2")
def test_a_message_without_a_sender_is_kept_in_quarantine(db, quarantine_dir):
    raw = raw_email().replace(b"From: Claire Dupont <" + STRANGER.encode() + b">\n", b"")

    with pytest.raises(CommandError) as refused:
        pipe(raw)

    assert refused.value.returncode == 65
    assert "no sender address" in str(refused.value)
    assert [p.read_bytes() for p in quarantine_dir.glob("*.eml")] == [raw]


@pytest.mark.clause("U2")
def test_empty_input_is_an_error(db):
    with pytest.raises(CommandError) as refused:
        pipe(b"")

    assert refused.value.returncode == 65
    assert "empty input" in str(refused.value)


@pytest.mark.clause("U2")
def test_the_command_exits_non_zero_through_manage_py(db, quarantine_dir, tmp_path):
    """The real process, as Postfix runs it: stderr says why, the exit status is 65."""
    result = subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "receive_data_request_email"],
        input=b"",
        capture_output=True,
        env={
            **os.environ,
            "PETITE_VAR_DIR": str(tmp_path),
            "PETITE_CLAMD_SOCKET": settings.PETITE_CLAMD_SOCKET,
        },
        check=False,
    )

    assert result.returncode == 65
    assert b"empty input" in result.stderr


@pytest.mark.clause("U2")
def test_the_envelope_recipient_decides_for_bcc_copies(db):
    bcc = raw_email(to=address("someone", "example.net"))

    pipe(bcc, "--recipient", settings.PETITE_PRIVACY_EMAIL)

    assert DataRequest.objects.count() == 1


@pytest.mark.clause("U2")
def test_mail_for_another_address_is_ignored(db):
    output = pipe(raw_email(to=address("sales", "petite.example")))

    assert output.strip() == "Ignored: not addressed to the privacy address."
    assert not DataRequest.objects.exists()


@pytest.mark.clause("U2")
def test_a_reply_through_the_pipe_joins_its_request(db):
    pipe(raw_email())
    data_request = DataRequest.objects.get()

    output = pipe(raw_email(subject=f"RE: {data_request.reference.lower()}", body="Any news?"))

    assert output.strip() == f"Message added to data request {data_request.reference}."
    assert data_request.events.filter(kind=DataRequestEvent.Kind.MESSAGE_IN).count() == 1


@pytest.mark.clause("U2")
def test_an_html_only_message_is_kept_as_text(db):

    message = EmailMessage()
    message["From"] = STRANGER
    message["To"] = settings.PETITE_PRIVACY_EMAIL
    message["Subject"] = "Copie"
    message.set_content("<p>Je veux une <b>copie</b> de mes données.</p>", subtype="html")

    pipe(message.as_bytes())

    received = DataRequestEvent.objects.get(kind=DataRequestEvent.Kind.RECEIVED)
    assert received.text == "Je veux une copie de mes données."


@pytest.mark.clause("U2")
def test_an_over_long_subject_is_shortened_not_refused(db):
    pipe(raw_email(subject="Access " + "x" * 2000))

    received = DataRequestEvent.objects.get(kind=DataRequestEvent.Kind.RECEIVED)
    assert len(received.subject) == 300


@pytest.mark.clause("U2")
def test_an_over_long_sender_address_is_quarantined(db, quarantine_dir):
    raw = raw_email(sender="a" * 300 + "@example.net")

    with pytest.raises(CommandError) as refused:
        pipe(raw)

    assert refused.value.returncode == 65
    assert len(list(quarantine_dir.glob("*.eml"))) == 1
