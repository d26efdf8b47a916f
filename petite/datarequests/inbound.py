"""E-mail into the desk (U2, U3, U4): one path for the provider's webhook and the
mail server's pipe.

Both hand over a parsed RFC 822 message (``email.message.EmailMessage``, which
anymail's inbound message extends). Only mail addressed to the privacy address
becomes a request; a reply whose subject names a request's reference, sent from
that request's address, joins its history instead. Automatic mail (bounces,
out-of-office replies, our own messages) is ignored, so that the desk never
answers a robot. Every decision not to store a message is logged with its
reason, never with an address (the log filter would redact it anyway).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from email.utils import getaddresses, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.html import strip_tags

from petite.core import inbound as desks
from petite.core import malware
from petite.core.errors import ActionRefused

from . import actions, quarantine, selectors
from .models import DataRequest

logger = logging.getLogger(__name__)

_REFERENCE = re.compile(actions.REFERENCE_PATTERN, re.IGNORECASE)
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "auto_reply"}
_ROBOT_LOCAL_PARTS = {"mailer-daemon"}
MESSAGE_ID_MAX_LENGTH = 300
ADDRESS_MAX_LENGTH = DataRequest._meta.get_field("requester_email").max_length or 254


class MalformedMessage(Exception):
    """A message the desk cannot turn into a request: it has no usable sender, or
    cannot be read at all. The caller quarantines the raw bytes."""


@dataclass(frozen=True)
class Received:
    """What became of one inbound message."""

    outcome: str  # "created", "appended", "duplicate", "ignored" or "refused" (malware); another desk's own otherwise
    data_request: DataRequest | None = None
    reason: str = ""
    # Set when another desk (petite.core.inbound) claimed the message.
    claimed: desks.Claimed | None = None


def _header(message: Message, name: str) -> str:
    value = message.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def _addresses(message: Message, *names: str) -> list[tuple[str, str]]:
    values: list[str] = []
    for name in names:
        values.extend(str(v) for v in message.get_all(name) or [])
    return [(display, address) for display, address in getaddresses(values) if address]


def _same_address(one: str, other: str) -> bool:
    return one.strip().lower() == other.strip().lower()


def _privacy_address() -> str:
    return str(settings.PETITE_PRIVACY_EMAIL)


def _our_addresses() -> list[str]:
    return [parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1], _privacy_address()]


def is_addressed_to_privacy(message: Message, envelope_recipients: Sequence[str] = ()) -> bool:
    """True when the privacy address is among the message's recipients. The
    envelope says it best (it includes Bcc); headers are the fallback."""
    privacy = _privacy_address()
    if envelope_recipients:
        candidates: Iterable[str] = (
            address for _, address in getaddresses(list(envelope_recipients))
        )
    else:
        candidates = (
            address
            for _, address in _addresses(message, "To", "Cc", "Delivered-To", "X-Original-To")
        )
    return any(_same_address(address, privacy) for address in candidates)


def automatic_reason(message: Message) -> str:
    """Why a message looks sent by a robot (RFC 3834 and common practice), or ""."""
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return "automatic message (Auto-Submitted)"
    if message.get_content_type() == "multipart/report":
        return "delivery or read report"
    if _header(message, "Precedence").lower() in _AUTOMATIC_PRECEDENCE:
        return "automatic message (Precedence)"
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "automatic reply"
    senders = _addresses(message, "From")
    for _, address in senders:
        if address.split("@")[0].lower() in _ROBOT_LOCAL_PARTS:
            return "mail delivery system"
        if any(_same_address(address, ours) for ours in _our_addresses()):
            return "sent by the platform itself"
    return ""


def sender_of(message: Message) -> tuple[str, str]:
    """The (name, address) of the single, valid From address; else MalformedMessage."""
    senders = _addresses(message, "From")
    if len(senders) != 1:
        raise MalformedMessage("no sender address" if not senders else "several sender addresses")
    name, address = senders[0]
    try:
        if len(address) > ADDRESS_MAX_LENGTH:
            raise ValidationError("too long")
        validate_email(address)
    except ValidationError:
        raise MalformedMessage("the sender address is not a valid e-mail address") from None
    return " ".join(name.split()), address


def body_text(message: Message) -> str:
    """The message's text: its plain-text part, or its HTML part without tags."""
    # get_body() and get_content() belong to EmailMessage (policy "default"),
    # which both the command's parser and anymail produce.
    get_body = getattr(message, "get_body", None)
    part: Any = get_body(preferencelist=("plain", "html")) if get_body else None
    if part is None:
        if message.is_multipart():
            return ""
        part = message
    try:
        content = part.get_content()
    except (AttributeError, LookupError, ValueError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = strip_tags(content)
    return str(content).replace("\r\n", "\n").strip()


def _attachment_count(message: Message) -> int:
    return sum(1 for part in message.walk() if part.get_content_disposition() == "attachment")


def scan_attachments(message: Message) -> None:
    """Scan every attachment (and inline file) with clamd before anything of the
    message is stored (P8). ActionRefused ``malware.infected`` or
    ``malware.unavailable`` (fail closed: the caller has it delivered again later)."""
    for part in message.walk():
        if part.is_multipart():
            continue
        if (
            part.get_content_disposition() not in ("attachment", "inline")
            and not part.get_filename()
        ):
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            continue
        malware.scan_upload(
            payload, source="datarequests.inbound_email", name=part.get_filename() or ""
        )


def receive_email(
    message: Message,
    *,
    envelope_recipients: Sequence[str] = (),
    received_at: datetime | None = None,
    spam: bool = False,
) -> Received:
    """Turn one inbound e-mail into a request, a reply on a request, or nothing.

    Raises MalformedMessage when the message is for the desk but cannot become a
    request; the caller keeps its raw bytes in the quarantine.
    """
    try:
        # Other desks (the help desk) first: their addresses are not the privacy address.
        claimed = desks.dispatch(
            message, envelope_recipients=envelope_recipients, received_at=received_at, spam=spam
        )
    except desks.Unreadable as error:
        raise MalformedMessage(str(error)) from None
    if claimed is not None:
        return Received(claimed.outcome, reason=claimed.reason, claimed=claimed)
    try:
        if not is_addressed_to_privacy(message, envelope_recipients):
            return _ignored("not addressed to the privacy address")
        robot = automatic_reason(message)
        if robot:
            return _ignored(robot)
        name, address = sender_of(message)
        subject = _header(message, "Subject")[: actions.SUBJECT_MAX_LENGTH]
        text = body_text(message)
        message_id = _header(message, "Message-ID")[:MESSAGE_ID_MAX_LENGTH]
        language = _header(message, "Content-Language")[:2].lower()
        attachments = _attachment_count(message)
    except MalformedMessage:
        raise
    except Exception as error:  # the stdlib parser is lenient; reading headers is not always
        raise MalformedMessage(f"unreadable message ({type(error).__name__})") from None

    try:
        scan_attachments(message)
    except ActionRefused as refusal:
        if refusal.code != "malware.infected":
            raise
        # Not stored, not quarantined: the detection is recorded by the security app.
        logger.warning("Inbound e-mail refused: an attachment contains malware")
        return Received("refused", reason="an attachment contains malware")

    existing = selectors.already_received(message_id)
    if existing is not None:
        logger.info("Inbound e-mail already received on data request %s", existing.reference)
        return Received("duplicate", existing, "already received")

    details: dict[str, Any] = {}
    if message_id:
        details["message_id"] = message_id
    if attachments:
        # Attachments are not kept (an identity document has no place in the
        # desk's history): staff see that there were some and ask if needed.
        details["attachments"] = attachments
    if spam:
        details["spam"] = True

    match = _REFERENCE.search(subject)
    if match:
        data_request = selectors.by_reference(match.group(0))
        if data_request is not None and _same_address(data_request.requester_email, address):
            actions.append_message(
                request=data_request, subject=subject, text=text, details=details
            )
            logger.info("Inbound e-mail added to data request %s", data_request.reference)
            return Received("appended", data_request)
        # A reference quoted from another address (or an unknown one) proves
        # nothing: the message starts a request of its own.
        logger.info("Inbound e-mail quotes a reference it does not belong to: new request")

    data_request = actions.receive_request(
        channel=DataRequest.Channel.EMAIL,
        requester_email=address,
        requester_name=name,
        subject=subject,
        text=text,
        received_at=received_at,
        language=language if language in ("en", "fr") else "",
        details=details,
        acknowledge=not spam,
    )
    logger.info("Inbound e-mail became data request %s", data_request.reference)
    return Received("created", data_request)


def _ignored(reason: str) -> Received:
    logger.info("Inbound e-mail ignored: %s", reason)
    return Received("ignored", reason=reason)


def receive_anymail_event(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """Receiver of anymail's ``inbound`` signal (anymail offers only a signal).

    Anymail has already checked the provider's signature. A message that cannot
    become a request is quarantined and the provider told "received"; any other
    failure is quarantined too and raised, so that the provider tries again.
    """
    message = event.message
    envelope = [r for r in str(message.envelope_recipient or "").split(",") if r.strip()]
    now = timezone.now()
    received_at = event.timestamp if event.timestamp and event.timestamp <= now else now
    try:
        receive_email(
            message,
            envelope_recipients=envelope,
            received_at=received_at,
            spam=bool(message.spam_detected),
        )
    except MalformedMessage as error:
        try:
            path = quarantine.keep(_raw(event), reason=f"{esp_name} webhook: {error}")
        except ActionRefused as refusal:
            if refusal.code == "malware.unavailable":
                raise  # the provider delivers it again later
            logger.warning("Unreadable inbound e-mail from %s refused: %s", esp_name, refusal.code)
            return
        logger.warning("Inbound e-mail from %s quarantined (%s): %s", esp_name, error, path.name)
    except ActionRefused:
        # The scanner is unavailable: nothing stored, the provider delivers it again later.
        logger.error(
            "Inbound e-mail from %s deferred: the malware scanner is unavailable", esp_name
        )
        raise
    except Exception as error:
        path = quarantine.keep(_raw(event), reason=f"{esp_name} webhook: failed ({error!r})")
        logger.error("Inbound e-mail from %s failed, quarantined: %s", esp_name, path.name)
        raise


def _raw(event: Any) -> bytes:
    """The message as the provider sent it, when we have it, else as parsed."""
    post = getattr(getattr(event, "esp_event", None), "POST", None)
    if post is not None and post.get("body-mime"):
        return str(post["body-mime"]).encode("utf-8", "surrogateescape")
    try:
        return bytes(event.message.as_bytes())
    except Exception:
        return str(event.message).encode("utf-8", "replace")
