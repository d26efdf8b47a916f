"""The platform's SMTP mailer against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail import EmailMessage

pytestmark = pytest.mark.clause("E3")


class Recorder:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[tuple[int, Recorder]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, recorder
    finally:
        controller.stop()


def smtp_mailer(settings: Any, port: int = 25) -> Any:
    settings.MAILERS = {
        **settings.MAILERS,
        "smtp": {
            "BACKEND": "petite.core.mail.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port},
        },
    }
    return mail.mailers["smtp"]


def test_plain_and_named_addresses_reach_the_server_as_django_would_send_them(
    smtp_server: tuple[int, Recorder], settings: Any
) -> None:
    port, recorder = smtp_server
    recorder.envelopes.clear()
    sender = "Petite <" + "no-reply" + "@" + "petite.example>"
    plain = "chloe" + "@" + "example.org"
    named = "Dan <" + "dan" + "@" + "example.org>"
    backend = smtp_mailer(settings, port)

    with backend:
        sent = backend.send_messages(
            [
                EmailMessage("Hello", "Body", sender, [plain]),
                EmailMessage("Hi", "B", sender, [named]),
            ]
        )

    assert sent == 2
    envelopes = recorder.envelopes
    assert [e.mail_from for e in envelopes] == ["no-reply" + "@" + "petite.example"] * 2
    assert [e.rcpt_tos for e in envelopes] == [[plain], ["dan" + "@" + "example.org"]]
    parsed = email.message_from_bytes(envelopes[0].original_content)
    assert parsed["To"] == plain


@pytest.mark.parametrize(
    "address",
    [
        "mallory" + "@" + "example.org\r\nBcc: victim" + "@" + "example.org",
        "no domain",
        "",
    ],
)
def test_an_address_that_is_not_plain_still_gets_djangos_checks(
    address: str, settings: Any
) -> None:
    with pytest.raises(ValueError, match="Invalid address"):
        smtp_mailer(settings).prep_address(address)
