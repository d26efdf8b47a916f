"""Messages in the export and the erasure (P5, U3, U5): declared, with no special-casing.

The author's messages are theirs: exported to them and, as given to the recipient
(``shared_with``), to the recipient too. Erasing the recipient leaves them to the
author; erasing the author empties them and the recipient keeps their own side of
the conversation (docs/adr/0010).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from petite.privacy import registry
from petite.privacy.erasure import erase_member
from petite.privacy.models import ErasureReceipt

from .. import actions
from ..models import Block, Conversation, Message, Participant, Report
from ..tasks import remove_abandoned_conversations
from .conftest import client_for, exported_items, first_message

pytestmark = pytest.mark.clause("P5")


def test_every_messaging_model_that_names_a_member_is_declared():
    labels = {d.label for d in registry.declarations()}
    assert {
        "messaging.Message",
        "messaging.Participant",
        "messaging.Block",
        "messaging.Report",
    } <= labels
    message = registry.declaration_for(Message)
    assert message is not None
    assert message.shared_with == ("recipient",)


@pytest.mark.clause("U3")
def test_both_members_find_the_messages_in_their_export(alice, bob, transactional_db):
    message = first_message(bob, alice, "Meet at the studio")
    actions.send_message(author=alice, conversation=message.conversation, body="See you there")

    for member in (alice, bob):
        bodies = {item["body"] for item in exported_items(member, "messaging.Message")}
        assert bodies == {"Meet at the studio", "See you there"}


@pytest.mark.clause("U3")
def test_a_blocked_or_reported_member_never_finds_it_in_their_export(alice, bob, db):
    message = first_message(bob, alice, "Buy watches")
    actions.block(blocker=alice, blocked=bob)
    actions.report_message(reporter=alice, message=message, reason="spam", note="Spammer")

    assert exported_items(bob, "messaging.Block") == []
    assert exported_items(bob, "messaging.Report") == []
    blocks = exported_items(alice, "messaging.Block")
    assert len(blocks) == 1
    assert blocks[0]["blocked"] == "another member"
    assert exported_items(alice, "messaging.Report")[0]["note"] == "Spammer"


@pytest.mark.clause("U5")
def test_erasing_the_recipient_leaves_the_authors_messages_to_the_author(
    alice, bob, transactional_db
):
    message = first_message(bob, alice, "Bob's own words")
    actions.send_message(author=alice, conversation=message.conversation, body="Alice's reply")

    receipt = erase_member(member=alice, reason="test")

    assert receipt.status == ErasureReceipt.Status.VERIFIED, receipt.scan
    kept = Message.objects.get(pk=message.pk)
    assert (kept.author_id, kept.recipient_id, kept.body) == (bob.pk, None, "Bob's own words")
    assert [item["body"] for item in exported_items(bob, "messaging.Message")] == [
        "Bob's own words",
        "",
    ]


@pytest.mark.clause("U5")
def test_erasing_the_author_empties_their_messages_and_the_recipient_keeps_their_side(
    alice, bob, transactional_db
):
    message = first_message(alice, bob, "Alice's words")
    reply = actions.send_message(author=bob, conversation=message.conversation, body="Bob's reply")
    actions.block(blocker=alice, blocked=bob)
    actions.report_message(reporter=bob, message=message, reason="other")

    receipt = erase_member(member=alice, reason="test")

    assert receipt.status == ErasureReceipt.Status.VERIFIED, receipt.scan
    assert receipt.outcome["messaging.Message"]["blanked"] == 1
    erased = Message.objects.get(pk=message.pk)
    assert (erased.author_id, erased.recipient_id, erased.body, erased.sent_at) == (
        None,
        bob.pk,
        "",
        None,
    )
    assert Message.objects.get(pk=reply.pk).body == "Bob's reply"
    assert not Block.objects.exists()
    assert list(Participant.objects.values_list("member", flat=True)) == [bob.pk]
    # Bob's report stays (it is his), and says the message went with its author.
    assert Report.objects.get().message == erased

    page = client_for(bob).get(reverse("messaging:conversation", args=[message.conversation_id]))
    text = page.content.decode()
    assert "Deleted member" in text
    assert "This message was erased with its author's account." in text
    assert "Bob&#x27;s reply" in text
    assert "Alice" not in text
    assert "This member cannot receive your messages." in text


@pytest.mark.clause("U5")
def test_once_both_members_are_erased_nothing_of_the_conversation_stays(
    alice, bob, transactional_db
):
    message = first_message(alice, bob, "Hello")
    actions.send_message(author=bob, conversation=message.conversation, body="Hi")

    erase_member(member=alice, reason="test")
    erase_member(member=bob, reason="test")
    remove_abandoned_conversations.call()

    assert not Conversation.objects.exists()
    assert not Message.objects.exists()
