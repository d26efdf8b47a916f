"""E-mail into the help desk, through the data-request desk's entry points.

Registered with :func:`petite.core.inbound.register` from ``apps.py``. Mail to the
help address opens a request; mail to a signed reply address
(:mod:`petite.support.addresses`) joins that request's thread, when it comes from
the requester's address. A reply address whose signature is not ours, or a reply
from someone else, is refused: nothing is stored, the refusal is audited (without
the address or the text). Attachments by e-mail go through the same checks as on
the web; a message whose attachments are refused is kept without them, and the
refusal is noted in the thread for staff.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from email.message import Message
from email.utils import getaddresses, parseaddr
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.html import strip_tags

from petite.core.errors import ActionRefused
from petite.core.inbound import Claimed, Unreadable

from . import actions, addresses, uploads
from .models import HelpMessage, HelpRequest

logger = logging.getLogger(__name__)


def _recipients(message: Message, envelope: Sequence[str]) -> list[str]:
    if envelope:
        return [a for _, a in getaddresses(list(envelope)) if a]
    values: list[str] = []
    for name in ("To", "Cc", "Delivered-To", "X-Original-To"):
        values.extend(str(v) for v in message.get_all(name) or [])
    return [a for _, a in getaddresses(values) if a]


def _is_automatic(message: Message) -> bool:
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return True
    if message.get_content_type() == "multipart/report":
        return True
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    ours = parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1].lower()
    return sender.split("@")[0] == "mailer-daemon" or sender == ours


def _text(message: Message) -> str:
    get_body = getattr(message, "get_body", None)
    part: Any = get_body(preferencelist=("plain", "html")) if get_body else None
    if part is None:
        part = None if message.is_multipart() else message
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (AttributeError, LookupError, ValueError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = strip_tags(content)
    return content.replace("\r\n", "\n").strip()


class _Upload(BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name
        self.size = len(data)


def _attachments(message: Message) -> tuple[list[uploads.Checked], int]:
    found: list[Any] = []
    for part in message.walk():
        if part.get_content_disposition() != "attachment":
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            found.append(_Upload(data, part.get_filename() or "attachment"))
    try:
        return uploads.check(found), 0
    except ActionRefused:
        return [], len(found)


def handle(
    message: Message,
    *,
    envelope_recipients: Sequence[str],
    received_at: datetime | None,
    spam: bool,
) -> Claimed | None:
    ours = [a for a in _recipients(message, envelope_recipients) if addresses.is_ours(a)]
    if not ours:
        return None
    if _is_automatic(message):
        return Claimed("ignored", reason="automatic message")
    senders = [a for _, a in getaddresses([str(v) for v in message.get_all("From") or []]) if a]
    if len(senders) != 1:
        raise Unreadable("no single sender address")
    name = " ".join(parseaddr(str(message.get("From", "")))[0].split())
    sender = senders[0]
    try:
        validate_email(sender)
    except ValidationError:
        raise Unreadable("the sender address is not valid") from None
    message_id = " ".join(str(message.get("Message-ID", "")).split())[:300]
    if message_id and HelpMessage.objects.filter(message_id=message_id).exists():
        return Claimed("duplicate", reason="already received")
    text = _text(message)
    files, refused = _attachments(message)
    if refused:
        text += "\n\n" + f"[{refused} attachment(s) refused: type, size or malware check]"

    numbers = []
    for address in ours:
        try:
            number = addresses.request_number(address)
        except addresses.Forged as forged:
            actions.refuse_reply(reason=f"forged reply address ({forged})", number=None)
            logger.warning("Help desk: reply address refused (%s)", forged)
            return Claimed("refused", reason="forged reply address")
        if number is not None:
            numbers.append(number)

    if numbers:
        request = HelpRequest.objects.filter(pk=numbers[0]).first()
        if request is None:
            actions.refuse_reply(reason="reply to an unknown request", number=numbers[0])
            return Claimed("refused", reason="unknown request")
        if request.requester_email.strip().lower() != sender.strip().lower():
            actions.refuse_reply(reason="reply from another address", number=request.pk)
            return Claimed("refused", reason="the sender is not the requester")
        try:
            actions.reply_as_requester(
                request=request,
                body=text or "(empty)",
                via=HelpMessage.Via.EMAIL,
                files=files,
                message_id=message_id,
            )
        except ActionRefused as refusal:
            actions.refuse_reply(reason=refusal.code, number=request.pk)
            return Claimed("refused", reference=request.reference, reason=refusal.code)
        return Claimed("appended", reference=request.reference)

    subject = " ".join(str(message.get("Subject", "")).split())[:200]
    language = str(message.get("Content-Language", ""))[:2].lower()
    request = actions.open_request(
        name=name or sender.split("@")[0],
        email=sender,
        subject=subject,
        body=text or "(empty)",
        channel=HelpRequest.Channel.EMAIL,
        language=language if language in ("en", "fr") else "",
        files=files,
        message_id=message_id,
        received_at=received_at,
        acknowledged=not spam,
    )
    return Claimed("created", reference=request.reference)
