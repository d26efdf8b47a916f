"""Reads of messaging: names shown to other members, addresses, conversations, unread state.

**Names.** Other members see a member under their Portrait display name, or their
first name when they chose none; never their last name or e-mail address.

**Addresses.** A member is written to by their display name (typed exactly, among
members who can receive messages), or through an *address*: an encrypted, opaque
token naming them, put in "Write to ..." links where the Platform already shows
their name (under their public comments). A token says nothing to whoever reads
it (not even the member's number) and cannot be forged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from cryptography.fernet import InvalidToken
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from petite.accounts.models import Member
from petite.core import crypto
from petite.portraits.models import Portrait

from .models import Block, Conversation, Message, Participant

_ADDRESS_PREFIX = "petite.messaging.to:"


def public_name(member: Member | None) -> str:
    """The name other members see: the Portrait display name, else the first name."""
    if member is None or not member.is_active or member.is_closing:
        return _("Deleted member")
    try:
        display_name = member.portrait.display_name
    except Portrait.DoesNotExist:
        display_name = ""
    return display_name or member.first_name


def can_receive(member: Member | None) -> bool:
    """Whether anyone may write to ``member`` at all: an active account that is not closing."""
    return member is not None and Member.objects.visible().filter(pk=member.pk).exists()


def address_for(member: Member) -> str:
    """An opaque token that addresses ``member`` in a "Write to ..." link."""
    return crypto.encrypt(f"{_ADDRESS_PREFIX}{member.pk}")


def member_for_address(token: str) -> Member | None:
    """The member a token addresses, if it is genuine and they can receive messages."""
    try:
        plain = crypto.decrypt(token.strip())
    except (InvalidToken, UnicodeError, ValueError):
        return None
    if not plain.startswith(_ADDRESS_PREFIX):
        return None
    member_id = plain.removeprefix(_ADDRESS_PREFIX)
    if not member_id.isdigit():
        return None
    return Member.objects.visible().filter(pk=int(member_id)).first()


def find_by_display_name(name: str, *, writer: Member) -> list[Member]:
    """The members (other than ``writer``) whose display name is exactly ``name``,
    ignoring case, and who can receive messages."""
    name = " ".join(name.split())
    if not name:
        return []
    return list(
        Member.objects.visible()
        .filter(portrait__display_name__iexact=name)
        .exclude(pk=writer.pk)
        .order_by("pk")[:5]
    )


class Availability(Enum):
    OPEN = "open"
    # The writer blocked this member: they are told, since it is their own choice.
    BLOCKED_BY_WRITER = "blocked_by_writer"
    # Blocked by them, closing, deactivated or erased: one neutral answer for all.
    UNAVAILABLE = "unavailable"


def availability(writer: Member, recipient: Member | None) -> Availability:
    """Whether ``writer`` may write to ``recipient`` now.

    A member blocked by the recipient gets exactly the answer given for an account
    that is closing or gone (docs/messaging.md): they cannot tell they are blocked.
    """
    if recipient is None or recipient.pk == writer.pk or not can_receive(recipient):
        return Availability.UNAVAILABLE
    if writer.is_closing:
        return Availability.UNAVAILABLE
    if Block.objects.filter(blocker=writer, blocked=recipient).exists():
        return Availability.BLOCKED_BY_WRITER
    if Block.objects.filter(blocker=recipient, blocked=writer).exists():
        return Availability.UNAVAILABLE
    return Availability.OPEN


def has_blocked(blocker: Member, blocked: Member | None) -> bool:
    return blocked is not None and Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def blocked_by(member: Member) -> QuerySet[Block]:
    return Block.objects.filter(blocker=member).select_related("blocked__portrait")


def conversation_between(first: Member, second: Member) -> Conversation | None:
    return (
        Conversation.objects.filter(participants__member=first)
        .filter(participants__member=second)
        .first()
    )


def conversation_of(member: Member, conversation_id: Any) -> Conversation | None:
    """The conversation, only if ``member`` takes part in it (anyone else: None)."""
    try:
        UUID(str(conversation_id))
    except ValueError:
        return None
    return Conversation.objects.filter(pk=conversation_id, participants__member=member).first()


def counterpart(conversation: Conversation, member: Member) -> Member | None:
    """The other member of the conversation; None once their account is erased."""
    place = (
        Participant.objects.filter(conversation=conversation)
        .exclude(member=member)
        .select_related("member__portrait")
        .first()
    )
    return place.member if place is not None else None


def messages_in(conversation: Conversation) -> QuerySet[Message]:
    return Message.objects.filter(conversation=conversation).order_by("id")


def own_message(member: Member, message_id: int) -> Message | None:
    """A message ``member`` wrote (to delete it)."""
    return Message.objects.filter(pk=message_id, author=member).first()


def received_message(member: Member, message_id: int) -> Message | None:
    """A message written to ``member`` (to report it)."""
    return Message.objects.filter(pk=message_id, recipient=member).first()


@dataclass(frozen=True)
class ConversationSummary:
    conversation: Conversation
    name: str
    unread: int
    last_message_at: datetime


def _unread_by_conversation(member: Member) -> dict[Any, int]:
    """For each of the member's conversations, the messages written to them since they
    last read it, counted by the database."""
    places = Participant.objects.filter(member=member).annotate(
        unread=Count(
            "conversation__messages",
            filter=Q(conversation__messages__recipient=member)
            & Q(conversation__messages__sent_at__isnull=False)
            & (
                Q(last_read_at__isnull=True)
                | Q(conversation__messages__sent_at__gt=F("last_read_at"))
            ),
        )
    )
    return {place.conversation_id: place.unread for place in places}


def inbox(member: Member) -> list[ConversationSummary]:
    """The member's conversations, most recent first, with the other member's name and
    the number of messages they have not read yet."""
    unread = _unread_by_conversation(member)
    conversations = Conversation.objects.filter(pk__in=unread).order_by("-last_message_at")
    others = {
        p.conversation_id: p.member
        for p in Participant.objects.filter(conversation__in=conversations)
        .exclude(member=member)
        .select_related("member__portrait")
    }
    return [
        ConversationSummary(
            conversation=c,
            name=public_name(others.get(c.pk)),
            unread=unread[c.pk],
            last_message_at=c.last_message_at,
        )
        for c in conversations
    ]


def unread_total(member: Member) -> int:
    """How many messages written to ``member`` they have not read yet."""
    return sum(_unread_by_conversation(member).values())
