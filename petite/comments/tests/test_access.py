"""Object-level access to every comments page, for four actors: anonymous, another member,
the owner, staff (SEC1, S2). Nobody changes what is not theirs."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from petite.accounts.tests.factories import signed_in

from ..models import Comment
from .conftest import comment_by

pytestmark = pytest.mark.clause("S2", "SEC1")

ACTORS = ["anonymous", "another member", "staff", "owner"]


def client_of(actor, *, alice, carol_member, staff) -> Client:
    return {
        "anonymous": Client(),
        "another member": signed_in(carol_member),
        "staff": signed_in(staff),
        "owner": signed_in(alice),
    }[actor]


@pytest.fixture
def carol(db):
    from petite.accounts.tests.factories import MemberFactory, address

    return MemberFactory.create(first_name="Carol", email=address("carol"))


def expected(actor: str, owner_status: int) -> int:
    return {"anonymous": 302, "another member": 404, "staff": 404, "owner": owner_status}[actor]


@pytest.mark.parametrize("actor", ACTORS)
def test_editing_a_comment(actor, article, alice, carol, staff):
    comment = comment_by(alice, article, "Original")
    client = client_of(actor, alice=alice, carol_member=carol, staff=staff)
    url = reverse("comments:edit", args=[comment.pk])

    assert client.get(url).status_code == expected(actor, 200)
    assert client.post(url, {"body": "Changed"}).status_code == expected(actor, 302)
    comment.refresh_from_db()
    assert (comment.body == "Changed") is (actor == "owner")


@pytest.mark.parametrize("actor", ACTORS)
def test_deleting_a_comment(actor, article, alice, carol, staff):
    comment = comment_by(alice, article, "Original")
    client = client_of(actor, alice=alice, carol_member=carol, staff=staff)
    url = reverse("comments:delete", args=[comment.pk])

    assert client.get(url).status_code == expected(actor, 200)
    assert client.post(url).status_code == expected(actor, 302)
    assert Comment.objects.filter(pk=comment.pk).exists() is (actor != "owner")


@pytest.mark.parametrize("actor", ACTORS)
def test_ones_own_comments_page(actor, article, alice, carol, staff):
    comment_by(alice, article, "Mine alone")
    client = client_of(actor, alice=alice, carol_member=carol, staff=staff)
    response = client.get(reverse("comments:mine"))

    assert response.status_code == (302 if actor == "anonymous" else 200)
    assert ("Mine alone" in response.content.decode()) is (actor == "owner")


@pytest.mark.parametrize("actor", ACTORS)
def test_a_draft_article_is_seen_by_staff_only(actor, draft, alice, carol, staff):
    client = client_of(actor, alice=alice, carol_member=carol, staff=staff)
    response = client.get(reverse("comments:article", args=[draft.slug]))
    assert response.status_code == (200 if actor == "staff" else 404)
    assert (
        reverse("comments:article", args=[draft.slug])
        not in client.get(reverse("comments:list")).content.decode()
    )


@pytest.mark.parametrize("actor", ACTORS)
def test_posting_needs_a_signed_in_member(actor, article, alice, carol, staff):
    client = client_of(actor, alice=alice, carol_member=carol, staff=staff)
    for member in (alice, carol, staff):
        from .. import actions

        actions.confirm_public_comments(member=member)
    response = client.post(reverse("comments:post", args=[article.slug]), {"body": "Hello"})

    assert response.status_code == 302
    assert Comment.objects.exists() is (actor != "anonymous")


def test_the_back_office_is_closed_to_members(alice):
    response = signed_in(alice).get(reverse("admin:comments_comment_changelist"))
    assert response.status_code == 302
