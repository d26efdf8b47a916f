"""Messaging between members (P5): writing, unread state, blocking, reporting, deleting."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from petite.accounts.tests.factories import address
from petite.core.models import AuditEvent

from .. import actions, selectors
from ..models import Block, Conversation, Message, Participant, Report
from .conftest import client_for, first_message, named

UNAVAILABLE = "This member cannot receive your messages."
NOT_FOUND_BY_NAME = "No member who can receive your messages goes by this name."

pytestmark = pytest.mark.clause("P5")


def conversation_url(conversation: Conversation) -> str:
    return reverse("messaging:conversation", args=[conversation.pk])


def test_a_member_writes_to_another_by_their_display_name(alice, bob):
    named(alice, "Alice M.")
    response = client_for(bob).post(
        reverse("messaging:new"), {"display_name": "alice m.", "body": "Hello Alice!"}
    )

    message = Message.objects.get()
    assert (message.author, message.recipient, message.body) == (bob, alice, "Hello Alice!")
    assert response.status_code == 302
    assert response["Location"] == conversation_url(message.conversation)
    assert set(message.conversation.participants.values_list("member", flat=True)) == {
        alice.pk,
        bob.pk,
    }
    assert AuditEvent.objects.filter(action="messaging.message_sent", actor=bob).exists()
    # Nobody is e-mailed, and the page shows the names members chose, never an address.
    assert mail.outbox == []
    page = client_for(alice).get(conversation_url(message.conversation)).content.decode()
    assert "Hello Alice!" in page
    assert "Bob" in page
    assert bob.email not in page
    assert bob.last_name not in page


def test_an_e_mail_address_finds_nobody(alice, bob):
    named(alice, "Alice M.")
    response = client_for(bob).post(
        reverse("messaging:new"), {"display_name": alice.email, "body": "Hello"}
    )

    assert NOT_FOUND_BY_NAME in response.content.decode()
    assert not Message.objects.exists()


def test_a_name_several_members_share_asks_which_one(alice, bob, carol):
    named(alice, "Sunny")
    named(carol, "Sunny")
    response = client_for(bob).post(
        reverse("messaging:new"), {"display_name": "Sunny", "body": "Hello"}
    )

    assert "Several members go by this name" in response.content.decode()
    assert not Message.objects.exists()


def test_the_write_link_under_a_comment_addresses_the_member_without_revealing_them(alice, bob):
    token = selectors.address_for(alice)
    decoded = base64.urlsafe_b64decode(token)
    assert alice.email not in token
    assert b"messaging" not in decoded

    page = client_for(bob).get(reverse("messaging:new") + "?to=" + token)
    assert "Write to Alice" in page.content.decode()
    client_for(bob).post(reverse("messaging:new"), {"to": token, "body": "Saw your comment"})

    assert Message.objects.get().recipient == alice
    # Once they talk, the link leads to their conversation.
    again = client_for(bob).get(reverse("messaging:new") + "?to=" + token)
    assert again["Location"] == conversation_url(Message.objects.get().conversation)


def test_a_forged_or_foreign_address_gets_the_neutral_refusal(alice, bob):
    for token in ["not-a-token", selectors.address_for(alice)[:-4] + "AAAA"]:
        response = client_for(bob).post(reverse("messaging:new"), {"to": token, "body": "Hi"})
        assert UNAVAILABLE in response.content.decode()
    assert not Message.objects.exists()


def test_unread_messages_are_counted_until_the_recipient_opens_the_conversation(alice, bob):
    message = first_message(bob, alice, "One")
    actions.send_message(author=bob, conversation=message.conversation, body="Two")

    assert selectors.unread_total(alice) == 2
    assert selectors.unread_total(bob) == 0  # what one writes is never unread
    inbox = client_for(alice).get(reverse("messaging:inbox")).content.decode()
    assert "2 unread" in inbox

    client_for(alice).get(conversation_url(message.conversation))

    assert selectors.unread_total(alice) == 0
    assert selectors.inbox(alice)[0].unread == 0
    actions.send_message(author=bob, conversation=message.conversation, body="Three")
    assert selectors.unread_total(alice) == 1


def test_a_reply_goes_to_the_other_member_of_the_conversation(alice, bob):
    message = first_message(bob, alice)
    response = client_for(alice).post(
        conversation_url(message.conversation), {"body": "Hi Bob, nice to hear from you"}
    )

    assert response.status_code == 302
    reply = Message.objects.latest("id")
    assert (reply.author, reply.recipient) == (alice, bob)
    assert Conversation.objects.count() == 1


def test_writing_again_to_someone_continues_the_same_conversation(alice, bob):
    first = first_message(bob, alice)
    second = first_message(alice, bob, "Back to you")
    assert first.conversation_id == second.conversation_id


def test_a_blocked_member_gets_the_same_answer_as_for_a_closing_account(alice, bob, carol):
    conversation = first_message(bob, alice).conversation
    actions.block(blocker=alice, blocked=bob)
    carol_conversation = first_message(bob, carol).conversation
    carol.deletion_due_at = timezone.now() + timedelta(days=30)
    carol.save()

    blocked = client_for(bob).post(conversation_url(conversation), {"body": "Why?"})
    closing = client_for(bob).post(conversation_url(carol_conversation), {"body": "Why?"})

    assert Message.objects.filter(body="Why?").count() == 0
    assert blocked.status_code == closing.status_code
    assert UNAVAILABLE in blocked.content.decode()
    assert UNAVAILABLE in closing.content.decode()
    assert "blocked you" not in blocked.content.decode()
    # A new conversation by name gets the answer given for a name nobody has.
    named(alice, "Alice M.")
    by_name = client_for(bob).post(
        reverse("messaging:new"), {"display_name": "Alice M.", "body": "Hi"}
    )
    assert NOT_FOUND_BY_NAME in by_name.content.decode()
    assert Message.objects.filter(author=bob).count() == 2  # the first two only


def test_the_blocker_is_told_and_can_unblock(alice, bob):
    conversation = first_message(bob, alice).conversation
    client = client_for(alice)
    client.post(reverse("messaging:block", args=[conversation.pk]))

    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
    page = client.get(conversation_url(conversation)).content.decode()
    assert "You blocked Bob" in page
    assert "Bob" in client.get(reverse("messaging:blocked")).content.decode()

    client.post(reverse("messaging:unblock", args=[conversation.pk]))
    assert not Block.objects.exists()
    actions.send_message(author=bob, conversation=conversation, body="Friends again")


def test_a_closing_account_cannot_be_written_to(alice, bob):
    named(alice, "Alice M.")
    alice.deletion_due_at = timezone.now() + timedelta(days=30)
    alice.save()

    with pytest.raises(actions.Unavailable):
        first_message(bob, alice)
    assert selectors.find_by_display_name("Alice M.", writer=bob) == []
    assert selectors.member_for_address(selectors.address_for(alice)) is None


def test_a_member_deletes_their_own_message_for_both(alice, bob):
    message = first_message(bob, alice, "Oops, wrong person")
    assert client_for(alice).post(reverse("messaging:delete", args=[message.pk])).status_code == 404

    response = client_for(bob).post(reverse("messaging:delete", args=[message.pk]))

    assert response.status_code == 302
    assert not Message.objects.filter(pk=message.pk).exists()
    assert (
        "Oops" not in client_for(alice).get(conversation_url(message.conversation)).content.decode()
    )
    assert AuditEvent.objects.filter(action="messaging.message_deleted", actor=bob).exists()


def test_the_recipient_reports_a_message_to_the_moderators(alice, bob):
    message = first_message(bob, alice, "Buy cheap watches")
    response = client_for(alice).post(
        reverse("messaging:report", args=[message.pk]), {"reason": "spam", "note": "Again"}
    )

    report = Report.objects.get()
    assert response.status_code == 302
    assert (report.reporter, report.message, report.reason, report.note) == (
        alice,
        message,
        "spam",
        "Again",
    )
    # The author cannot report their own message, nor see that it was reported.
    assert client_for(bob).get(reverse("messaging:report", args=[message.pk])).status_code == 404
    assert (
        "report"
        not in client_for(bob).get(conversation_url(message.conversation)).content.decode().lower()
    )


def test_moderators_review_reports_in_the_back_office(alice, bob, staff, staff_client):
    spam = first_message(bob, alice, "Buy cheap watches")
    kind = actions.send_message(author=bob, conversation=spam.conversation, body="Sorry!")
    removed_report = actions.report_message(reporter=alice, message=spam, reason="spam")
    dismissed_report = actions.report_message(reporter=alice, message=kind, reason="other")

    queue = staff_client.get(reverse("admin:messaging_report_changelist"))
    assert queue.status_code == 200
    detail = staff_client.get(reverse("admin:messaging_report_change", args=[removed_report.pk]))
    assert "Buy cheap watches" in detail.content.decode()
    assert AuditEvent.objects.filter(action="messaging.report_viewed", actor=staff).exists()

    changelist = reverse("admin:messaging_report_changelist")
    staff_client.post(
        changelist, {"action": "remove_messages", "_selected_action": [removed_report.pk]}
    )
    staff_client.post(changelist, {"action": "dismiss", "_selected_action": [dismissed_report.pk]})

    removed_report.refresh_from_db()
    dismissed_report.refresh_from_db()
    assert removed_report.status == Report.Status.REMOVED
    assert removed_report.handled_by == staff
    assert removed_report.message is None
    assert not Message.objects.filter(pk=spam.pk).exists()
    assert dismissed_report.status == Report.Status.DISMISSED
    assert Message.objects.filter(pk=kind.pk).exists()
    assert AuditEvent.objects.filter(
        action="messaging.reported_messages_removed", actor=staff
    ).exists()
    assert AuditEvent.objects.filter(action="messaging.reports_dismissed", actor=staff).exists()


def test_moderators_read_a_reported_message_as_text_in_paragraphs(alice, bob, staff_client):
    message = first_message(bob, alice, "<script>alert(1)</script>\n\nSecond paragraph")
    report = actions.report_message(reporter=alice, message=message, reason="spam")

    page = staff_client.get(reverse("admin:messaging_report_change", args=[report.pk]))

    body = page.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in body
    assert "<p>Second paragraph</p>" in body


def test_staff_never_browse_members_messages_in_the_back_office(staff_client):
    from django.contrib import admin

    registered = {model._meta.label for model in admin.site._registry}
    assert "messaging.Report" in registered
    assert not registered & {
        "messaging.Message",
        "messaging.Conversation",
        "messaging.Participant",
        "messaging.Block",
    }


def test_an_oversized_message_is_refused_with_a_clear_message(alice, bob, settings):
    settings.PETITE_MESSAGE_MAX_LENGTH = 100
    conversation = first_message(bob, alice).conversation
    response = client_for(bob).post(conversation_url(conversation), {"body": "x" * 101})

    assert response.status_code == 400
    assert "This is 101 characters long; the limit is 100." in response.content.decode()
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("   \n ", "Please write something before sending."),
        ("Hi\x1b[31mthere", "invisible control characters"),
        ("Hi\x00there", "Null characters are not allowed."),
    ],
)
def test_empty_or_garbled_messages_are_refused(alice, bob, body, expected):
    conversation = first_message(bob, alice).conversation
    response = client_for(bob).post(conversation_url(conversation), {"body": body})

    assert response.status_code == 400
    assert expected in response.content.decode()
    assert Message.objects.count() == 1


def test_messages_are_rate_limited(alice, bob, settings):
    settings.PETITE_MESSAGES_PER_HOUR = 3
    settings.PETITE_NEW_ACCOUNT_DAYS = 0  # an established member: new ones get fewer (P8)
    conversation = first_message(bob, alice).conversation
    client = client_for(bob)
    statuses = [
        client.post(conversation_url(conversation), {"body": f"Message {n}"}).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert Message.objects.count() == 3
    # Others are not slowed down by Bob's flood.
    actions.send_message(author=alice, conversation=conversation, body="Calm down")


def test_new_conversations_are_rate_limited(alice, bob, carol, settings):
    settings.PETITE_NEW_CONVERSATIONS_PER_DAY = 1
    first_message(bob, alice)
    with pytest.raises(actions.RateLimited):
        first_message(bob, carol)
    # Writing in an existing conversation is not a new one.
    first_message(bob, alice, "Still fine")


def test_abandoned_conversations_are_removed(alice, bob):
    message = first_message(bob, alice)
    Participant.objects.filter(conversation=message.conversation).delete()

    from ..tasks import remove_abandoned_conversations

    assert remove_abandoned_conversations.call() == 1
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()


def test_the_demo_data_loads_twice_without_change(db):
    import io

    from django.core.management import call_command

    call_command("demo_data", stdout=io.StringIO())
    counts = (Conversation.objects.count(), Message.objects.count())
    call_command("demo_data", stdout=io.StringIO())

    assert counts == (1, 3)
    assert (Conversation.objects.count(), Message.objects.count()) == counts
    sam = Message.objects.filter(author__email=address("sam", "petite.example"))
    assert sam.count() == 1


def test_pages_speak_french_to_french_readers(alice, bob):
    conversation = first_message(bob, alice).conversation
    actions.block(blocker=alice, blocked=bob)
    page = client_for(bob).get("/fr" + conversation_url(conversation)).content.decode()

    assert "Ce membre ne peut pas recevoir vos messages." in page
    inbox = client_for(alice).get("/fr/messages/").content.decode()
    assert "Écrire à un membre" in inbox
