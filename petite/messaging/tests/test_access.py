"""Object-level access to every messaging page, for four actors: anonymous, another member,
the owner, staff (SEC1, P5). Nobody reads or changes what is not theirs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from petite.accounts.models import Member

from .. import actions
from ..models import Block, Message, Report
from .conftest import client_for, first_message

pytestmark = pytest.mark.clause("P5", "SEC1")


@pytest.fixture
def story(alice: Member, bob: Member) -> dict[str, Any]:
    """Bob wrote to Alice; Alice replied. Alice is the owner of the conversation's pages."""
    message = first_message(bob, alice, "Bob's secret")
    reply = actions.send_message(author=alice, conversation=message.conversation, body="Alice's")
    return {"conversation": message.conversation, "received": message, "sent": reply}


def actors(carol: Member, staff: Member, alice: Member) -> dict[str, Client]:
    return {
        "anonymous": Client(),
        "another member": client_for(carol),
        "staff": client_for(staff),
        "owner": client_for(alice),
    }


def expected(actor: str, owner_status: int) -> int:
    return {"anonymous": 302, "another member": 404, "staff": 404, "owner": owner_status}[actor]


@pytest.mark.parametrize("actor", ["anonymous", "another member", "staff", "owner"])
def test_reading_a_conversation(actor, story, alice, carol, staff):
    client = actors(carol, staff, alice)[actor]
    response = client.get(reverse("messaging:conversation", args=[story["conversation"].pk]))

    assert response.status_code == expected(actor, 200)
    assert ("Bob&#x27;s secret" in response.content.decode()) is (actor == "owner")
    if actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("actor", ["anonymous", "another member", "staff", "owner"])
def test_writing_in_a_conversation(actor, story, alice, carol, staff):
    client = actors(carol, staff, alice)[actor]
    response = client.post(
        reverse("messaging:conversation", args=[story["conversation"].pk]), {"body": "Intruder"}
    )

    assert response.status_code == expected(actor, 302)
    assert Message.objects.filter(body="Intruder").exists() is (actor == "owner")


@pytest.mark.parametrize("actor", ["anonymous", "another member", "staff", "owner"])
def test_deleting_a_message(actor, story, alice, carol, staff):
    client = actors(carol, staff, alice)[actor]
    sent = story["sent"]
    assert client.get(reverse("messaging:delete", args=[sent.pk])).status_code == expected(
        actor, 200
    )
    response = client.post(reverse("messaging:delete", args=[sent.pk]))

    assert response.status_code == expected(actor, 302)
    assert Message.objects.filter(pk=sent.pk).exists() is (actor != "owner")


@pytest.mark.parametrize("actor", ["anonymous", "another member", "staff", "owner"])
def test_reporting_a_message(actor, story, alice, carol, staff):
    client = actors(carol, staff, alice)[actor]
    received = story["received"]
    assert client.get(reverse("messaging:report", args=[received.pk])).status_code == expected(
        actor, 200
    )
    response = client.post(reverse("messaging:report", args=[received.pk]), {"reason": "spam"})

    assert response.status_code == expected(actor, 302)
    assert Report.objects.exists() is (actor == "owner")


@pytest.mark.parametrize("actor", ["anonymous", "another member", "staff", "owner"])
def test_blocking_from_a_conversation(actor, story, alice, carol, staff):
    client = actors(carol, staff, alice)[actor]
    response = client.post(reverse("messaging:block", args=[story["conversation"].pk]))

    assert response.status_code == expected(actor, 302)
    assert Block.objects.exists() is (actor == "owner")


@pytest.mark.parametrize("actor", ["anonymous", "another member", "staff", "owner"])
def test_unblocking(actor, story, alice, bob, carol, staff):
    actions.block(blocker=alice, blocked=bob)
    client = actors(carol, staff, alice)[actor]
    response = client.post(reverse("messaging:unblock", args=[story["conversation"].pk]))
    assert response.status_code == expected(actor, 302)
    block = Block.objects.filter(blocker=alice).first()
    if block is not None:
        response = client.post(reverse("messaging:blocked"), {"block": block.pk})
        assert response.status_code == expected(actor, 302)
    assert Block.objects.exists() is (actor != "owner")


@pytest.mark.parametrize("actor", ["anonymous", "another member", "staff", "owner"])
def test_lists_show_only_ones_own(actor, story, alice, bob, carol, staff):
    actions.block(blocker=alice, blocked=bob)
    client = actors(carol, staff, alice)[actor]
    inbox = client.get(reverse("messaging:inbox"))
    blocked = client.get(reverse("messaging:blocked"))

    owner_sees = actor == "owner"
    assert inbox.status_code == blocked.status_code == (302 if actor == "anonymous" else 200)
    assert (str(story["conversation"].pk) in inbox.content.decode()) is owner_sees
    assert ("Bob" in blocked.content.decode()) is owner_sees


def test_a_malformed_conversation_address_is_not_found(alice):
    response = client_for(alice).get("/messages/not-a-uuid/")
    assert response.status_code == 404
