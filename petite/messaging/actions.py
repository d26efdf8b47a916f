"""Every write of messaging: sending, reading, deleting, blocking, reporting, moderating."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from petite.accounts.models import Member
from petite.core import audit

from . import limits, selectors
from .models import Block, Conversation, Message, Participant, Report
from .selectors import Availability
from .validation import clean_message, clean_text

NOTE_MAX_LENGTH = 1000


class MessagingError(Exception):
    """A write refused for a reason the member is told (views turn it into a message)."""


class Unavailable(MessagingError):
    """The recipient cannot receive messages from the writer. Deliberately vague: a
    blocked writer gets this same answer as for a closing or erased account."""


class BlockedByYou(MessagingError):
    """The writer blocked the recipient: unblocking comes first."""


class RateLimited(MessagingError):
    """Too many messages, conversations or reports in a short time."""


def _check_can_write(author: Member, recipient: Member | None) -> Member:
    verdict = selectors.availability(author, recipient)
    if verdict is Availability.BLOCKED_BY_WRITER:
        raise BlockedByYou
    if verdict is not Availability.OPEN or recipient is None:
        raise Unavailable
    return recipient


def _consume_message_quota(author: Member) -> None:
    if not limits.consume(
        "message", author.pk, count=settings.PETITE_MESSAGES_PER_HOUR, seconds=limits.HOUR
    ):
        raise RateLimited


def _deliver(
    *, conversation: Conversation, author: Member, recipient: Member, body: str
) -> Message:
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation, author=author, recipient=recipient, body=body, sent_at=now
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    # The author has read what they wrote: it never counts as unread for them.
    Participant.objects.filter(conversation=conversation, member=author).update(last_read_at=now)
    audit.record(
        "messaging.message_sent",
        actor=author,
        target=message,
        conversation=str(conversation.pk),
    )
    return message


def start_conversation(*, author: Member, recipient: Member | None, body: str) -> Message:
    """Write to ``recipient``: in the conversation the two already have, or a new one."""
    text = clean_message(body)
    recipient = _check_can_write(author, recipient)
    existing = selectors.conversation_between(author, recipient)
    if existing is None and not limits.consume(
        "conversation",
        author.pk,
        count=settings.PETITE_NEW_CONVERSATIONS_PER_DAY,
        seconds=limits.DAY,
    ):
        raise RateLimited
    _consume_message_quota(author)
    with transaction.atomic():
        # Both members locked in a fixed order: two first messages crossing each
        # other end up in one conversation, not two.
        list(
            Member.objects.select_for_update()
            .filter(pk__in=[author.pk, recipient.pk])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        conversation = selectors.conversation_between(author, recipient)
        if conversation is None:
            conversation = Conversation.objects.create()
            Participant.objects.bulk_create(
                [
                    Participant(conversation=conversation, member=author),
                    Participant(conversation=conversation, member=recipient),
                ]
            )
            audit.record("messaging.conversation_started", actor=author, target=conversation)
        return _deliver(conversation=conversation, author=author, recipient=recipient, body=text)


def send_message(*, author: Member, conversation: Conversation, body: str) -> Message:
    """Reply in a conversation ``author`` takes part in."""
    text = clean_message(body)
    if selectors.conversation_of(author, conversation.pk) is None:
        raise Unavailable
    recipient = _check_can_write(author, selectors.counterpart(conversation, author))
    _consume_message_quota(author)
    with transaction.atomic():
        return _deliver(conversation=conversation, author=author, recipient=recipient, body=text)


def mark_read(*, member: Member, conversation: Conversation) -> None:
    """Everything in the conversation is now read by ``member``.

    No audit record: reading one's own messages is no action on anyone else, and
    a record per page view would turn the trail into a reading log.
    """
    Participant.objects.filter(conversation=conversation, member=member).update(
        last_read_at=timezone.now()
    )


@transaction.atomic
def delete_message(*, member: Member, message: Message) -> None:
    """The author deletes their message: it goes for both members."""
    if message.author_id != member.pk:
        raise Unavailable
    message_id, conversation_id = message.pk, message.conversation_id
    Message.objects.filter(pk=message_id, author=member).delete()
    audit.record(
        "messaging.message_deleted",
        actor=member,
        message=message_id,
        conversation=str(conversation_id),
    )


@transaction.atomic
def block(*, blocker: Member, blocked: Member) -> Block:
    """From now on ``blocked`` cannot write to ``blocker``, and is never told."""
    if blocked.pk == blocker.pk:
        raise Unavailable
    found, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    audit.record("messaging.member_blocked", actor=blocker, target=found)
    return found


@transaction.atomic
def unblock(*, blocker: Member, blocked: Member) -> bool:
    deleted, _per_model = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    if deleted:
        audit.record("messaging.member_unblocked", actor=blocker)
    return bool(deleted)


def report_message(*, reporter: Member, message: Message, reason: str, note: str = "") -> Report:
    """The recipient of ``message`` asks the moderators to look at it."""
    if message.recipient_id != reporter.pk:
        raise Unavailable
    if reason not in Report.Reason.values:
        raise MessagingError
    note = note.strip()
    if note:
        note = clean_text(note, max_length=NOTE_MAX_LENGTH)
    if not limits.consume(
        "report", reporter.pk, count=settings.PETITE_MESSAGE_REPORTS_PER_DAY, seconds=limits.DAY
    ):
        raise RateLimited
    with transaction.atomic():
        report = Report.objects.create(message=message, reporter=reporter, reason=reason, note=note)
        audit.record("messaging.message_reported", actor=reporter, target=report)
    return report


# --- Moderation (the back-office queue) ---------------------------------------------


@transaction.atomic
def dismiss_reports(*, reports: Iterable[Report], actor: Member) -> int:
    """Close open reports without action; returns how many."""
    ids = list(
        Report.objects.select_for_update()
        .filter(pk__in=[r.pk for r in reports], status=Report.Status.OPEN)
        .values_list("pk", flat=True)
    )
    if ids:
        Report.objects.filter(pk__in=ids).update(
            status=Report.Status.DISMISSED, handled_at=timezone.now(), handled_by=actor
        )
        audit.record("messaging.reports_dismissed", actor=actor, reports=ids)
    return len(ids)


@transaction.atomic
def remove_reported_messages(*, reports: Iterable[Report], actor: Member) -> int:
    """Delete the messages these reports point at, and close every report on them;
    returns how many messages were removed."""
    selected = Report.objects.select_for_update().filter(pk__in=[r.pk for r in reports])
    # Locked first, then read: PostgreSQL refuses FOR UPDATE with DISTINCT.
    message_ids = sorted(
        set(selected.exclude(message__isnull=True).values_list("message_id", flat=True))
    )
    closing = Report.objects.filter(status=Report.Status.OPEN).filter(
        pk__in=[r.pk for r in reports]
    ) | Report.objects.filter(status=Report.Status.OPEN, message_id__in=message_ids)
    report_ids = list(closing.values_list("pk", flat=True))
    Report.objects.filter(pk__in=report_ids).update(
        status=Report.Status.REMOVED, handled_at=timezone.now(), handled_by=actor
    )
    removed, _per_model = Message.objects.filter(pk__in=message_ids).delete()
    if report_ids or removed:
        audit.record(
            "messaging.reported_messages_removed",
            actor=actor,
            messages=message_ids,
            reports=report_ids,
        )
    return removed


@transaction.atomic
def remove_abandoned_conversations() -> int:
    """Delete conversations whose two members have both been erased (nothing in them
    belongs to anyone any more); returns how many."""
    abandoned = Conversation.objects.filter(participants__isnull=True)
    _deleted, per_model = abandoned.delete()
    count = per_model.get(Conversation._meta.label, 0)
    if count:
        audit.record("messaging.abandoned_conversations_removed", count=count)
    return count
