"""Data requests for tests, and raw e-mails as a mail server or Mailgun hands them over."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import factory
from django.conf import settings
from django.utils import timezone

from petite.accounts.tests.factories import address
from petite.datarequests import actions, deadlines
from petite.datarequests.models import DataRequest

STRANGER = address("claire", "example.net")


class DataRequestFactory(factory.django.DjangoModelFactory[DataRequest]):
    """A request as staff find it in the queue: received now, identity not established."""

    class Meta:
        model = DataRequest
        skip_postgeneration_save = True

    reference = factory.LazyAttribute(lambda r: actions.new_reference(r.received_at))
    kind = DataRequest.Kind.ACCESS
    channel = DataRequest.Channel.EMAIL
    requester_email = STRANGER
    received_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda r: deadlines.due_date(r.received_at))
    status = DataRequest.Status.AWAITING_IDENTITY


def identified_request(member: Any, **overrides: Any) -> DataRequest:
    """An open request about ``member`` whose identity staff have established."""
    values: dict[str, Any] = {
        "requester_email": member.email,
        "member": member,
        "status": DataRequest.Status.OPEN,
        "identity_method": "checked by staff",
        "identity_confirmed_at": timezone.now(),
    }
    values.update(overrides)
    return DataRequestFactory.create(**values)


def raw_email(
    *,
    sender: str = STRANGER,
    sender_name: str = "Claire Dupont",
    to: str | None = None,
    subject: str = "Access to my data",
    body: str = "Hello, I would like a copy of the personal data you hold about me.",
    headers: dict[str, str] | None = None,
    date: datetime | None = None,
) -> bytes:
    """An RFC 822 message, as a mail server would pipe it."""
    message = EmailMessage()
    message["From"] = f"{sender_name} <{sender}>"
    message["To"] = to or settings.PETITE_PRIVACY_EMAIL
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.net")
    if date is not None:
        from email.utils import format_datetime

        message["Date"] = format_datetime(date)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def mailgun_signature(key: str) -> dict[str, str]:
    """The three fields with which Mailgun signs a webhook POST."""
    timestamp = str(int(timezone.now().timestamp()))
    token = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


def mailgun_post(raw: bytes, *, key: str, recipient: str | None = None, **overrides: str) -> dict:
    """The form fields of Mailgun's inbound webhook (raw MIME variant), signed with ``key``."""
    fields = {
        "body-mime": raw.decode("utf-8"),
        "recipient": recipient or settings.PETITE_PRIVACY_EMAIL,
        "sender": STRANGER,
        **mailgun_signature(key),
    }
    fields.update(overrides)
    return fields


def mailgun_parsed_post(*, key: str, subject: str, body: str, sender: str = STRANGER) -> dict:
    """The form fields of Mailgun's inbound webhook as Mailgun parses the message itself."""
    headers = [
        ["From", f"Claire Dupont <{sender}>"],
        ["To", settings.PETITE_PRIVACY_EMAIL],
        ["Subject", subject],
        ["Message-Id", "<parsed-1@example.net>"],
    ]
    return {
        "message-headers": json.dumps(headers),
        "body-plain": body,
        "recipient": settings.PETITE_PRIVACY_EMAIL,
        "sender": sender,
        **mailgun_signature(key),
    }
