"""Comments in the export and the erasure (S2, U3, U5): declared, no special-casing."""

from __future__ import annotations

import pytest

from petite.messaging.tests.conftest import exported_items
from petite.privacy.erasure import erase_member
from petite.privacy.models import ErasureReceipt

from ..models import Comment, PublicCommentNotice
from .conftest import comment_by

pytestmark = pytest.mark.clause("S2")


@pytest.mark.clause("U3")
def test_comments_and_the_confirmation_are_in_the_export(article, alice, bob, db):
    comment_by(alice, article, "My public words")
    comment_by(bob, article, "Bob's words")

    items = exported_items(alice, "comments.Comment")
    assert [item["body"] for item in items] == ["My public words"]
    notice = exported_items(alice, "comments.PublicCommentNotice")
    assert notice[0]["name_shown"] == "Alice"


@pytest.mark.clause("U5")
def test_erasure_deletes_the_members_comments_and_leaves_others(
    article, alice, bob, transactional_db
):
    comment_by(alice, article, "My public words")
    comment_by(bob, article, "Bob's words")

    receipt = erase_member(member=alice, reason="test")

    assert receipt.status == ErasureReceipt.Status.VERIFIED, receipt.scan
    assert receipt.outcome["comments.Comment"]["deleted"] == 1
    assert list(Comment.objects.values_list("body", flat=True)) == ["Bob's words"]
    assert not PublicCommentNotice.objects.filter(member_id=alice.pk).exists()
