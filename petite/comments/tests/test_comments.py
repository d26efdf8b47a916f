"""Public comments (S2): told it is public before the first one, Markdown sanitised,
edit and delete one's own, moderators hide."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from petite.accounts.tests.factories import signed_in
from petite.core.models import AuditEvent
from petite.portraits.models import Portrait

from .. import actions, markup
from ..models import Comment, PublicCommentNotice
from .conftest import comment_by

pytestmark = pytest.mark.clause("S2")


def article_url(article) -> str:
    return reverse("comments:article", args=[article.slug])


def post_url(article) -> str:
    return reverse("comments:post", args=[article.slug])


def test_everyone_reads_articles_and_their_comments(client, article, alice):
    comment_by(alice, article, "What a *lovely* idea")

    listing = client.get(reverse("comments:list"))
    page = client.get(article_url(article))

    assert "Welcome" in listing.content.decode()
    text = page.content.decode()
    assert page.status_code == 200
    assert "What a <em>lovely</em> idea" in text
    assert "Comments are public" in text


def test_articles_are_shown_in_the_readers_language(client, article):
    page = client.get("/fr" + article_url(article))
    assert "Bienvenue" in page.content.decode()
    assert "Des <strong>nouvelles</strong>" in page.content.decode()


def test_before_the_first_comment_the_member_is_told_it_is_public_and_confirms(article, alice):
    client = signed_in(alice)
    page = client.get(article_url(article)).content.decode()
    assert 'id="comment-form"' not in page
    assert reverse("comments:confirm", args=[article.slug]) in page

    refused = client.post(post_url(article), {"body": "Too early"})
    assert refused["Location"] == reverse("comments:confirm", args=[article.slug])
    assert not Comment.objects.exists()

    notice = client.get(reverse("comments:confirm", args=[article.slug])).content.decode()
    assert "Everyone can read your comments" in notice
    assert "<strong>Alice</strong>" in notice  # no display name: the first name
    assert alice.last_name not in notice
    assert alice.email not in notice
    client.post(reverse("comments:confirm", args=[article.slug]))

    confirmation = PublicCommentNotice.objects.get(member=alice)
    assert (confirmation.name_shown, confirmation.language) == ("Alice", "en")
    assert AuditEvent.objects.filter(action="comments.public_notice_confirmed").exists()
    client.post(post_url(article), {"body": "Now it is fine"})
    assert Comment.objects.get().body == "Now it is fine"


def test_comments_show_the_display_name_or_else_the_first_name(client, article, alice, bob):
    Portrait.objects.create(member=alice, display_name="Potter Al")
    comment_by(alice, article)
    comment_by(bob, article)

    page = client.get(article_url(article)).content.decode()

    assert "Potter Al" in page
    assert "Bob" in page
    for secret in (alice.last_name, bob.last_name, alice.email, bob.email):
        assert secret not in page


def test_signed_in_readers_can_write_to_the_author(article, alice, bob):
    comment_by(alice, article)
    page = signed_in(bob).get(article_url(article)).content.decode()
    assert "Write to Alice" in page
    assert reverse("messaging:new") + "?to=" in page
    # Not to oneself, and not for anonymous readers.
    assert "Write to" not in signed_in(alice).get(article_url(article)).content.decode()


def test_markdown_is_rendered_and_sanitised():
    html = markup.render("**bold** and [a site](https://example.org)\n\n`<script>`")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html
    assert "<code>&lt;script&gt;</code>" in html
    assert "<script" not in markup.render("<script>alert(1)</script>")
    assert "<h1" not in markup.render("# Not a headline")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<b>bold</b>", "HTML is not accepted in comments. Use Markdown instead"),
        ("Hi <!-- hidden -->", "HTML is not accepted in comments."),
        ("<script>alert(1)</script>", "HTML is not accepted in comments."),
        ("![tracker](https://tracker.example/pixel.gif)", "Images are not accepted in comments"),
        ("[click](javascript:alert(1))", "Links must be full web addresses"),
        ("[file](data:text/html;base64,PHNjcmlwdD4=)", "Links must be full web addresses"),
        ("[home](/accounts/)", "Links must be full web addresses"),
        ("  ", "Please write something before sending."),
        ("x" * 3001, "This is 3001 characters long; the limit is 3000."),
    ],
)
def test_bad_comments_are_refused_with_a_clear_message(article, alice, body, expected):
    actions.confirm_public_comments(member=alice)
    response = signed_in(alice).post(post_url(article), {"body": body})

    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not Comment.objects.exists()


def test_code_and_comparisons_are_not_mistaken_for_html(article, alice):
    comment = comment_by(alice, article, "If x < y and y > z, write `<b>` in code.")
    assert "<code>&lt;b&gt;</code>" in markup.render(comment.body)


def test_the_author_edits_their_comment(article, alice):
    comment = comment_by(alice, article, "Frist!")
    client = signed_in(alice)
    assert "Frist!" in client.get(reverse("comments:edit", args=[comment.pk])).content.decode()

    client.post(reverse("comments:edit", args=[comment.pk]), {"body": "First!"})

    comment.refresh_from_db()
    assert comment.body == "First!"
    assert comment.edited_at is not None
    assert "edited" in client.get(article_url(article)).content.decode()
    bad = client.post(reverse("comments:edit", args=[comment.pk]), {"body": "<i>x</i>"})
    assert bad.status_code == 400
    comment.refresh_from_db()
    assert comment.body == "First!"


def test_the_author_deletes_their_comment_and_nothing_is_kept(client, article, alice):
    comment = comment_by(alice, article, "Regrettable words")
    signed_in(alice).post(reverse("comments:delete", args=[comment.pk]))

    assert not Comment.objects.exists()
    assert "Regrettable" not in client.get(article_url(article)).content.decode()
    assert AuditEvent.objects.filter(action="comments.comment_deleted", actor=alice).exists()


def test_moderators_hide_a_comment_from_readers_but_not_from_its_author(
    client, article, alice, staff, staff_client
):
    comment = comment_by(alice, article, "Off-topic rant")
    changelist = reverse("admin:comments_comment_changelist")
    assert staff_client.get(changelist).status_code == 200

    staff_client.post(changelist, {"action": "hide", "_selected_action": [comment.pk]})

    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_by == staff
    assert AuditEvent.objects.filter(action="comments.comments_hidden", actor=staff).exists()
    assert "Off-topic rant" not in client.get(article_url(article)).content.decode()
    own_view = signed_in(alice).get(article_url(article)).content.decode()
    assert "Off-topic rant" in own_view
    assert "Hidden by the moderators" in own_view

    staff_client.post(changelist, {"action": "show", "_selected_action": [comment.pk]})
    assert "Off-topic rant" in client.get(article_url(article)).content.decode()


def test_staff_write_articles_in_the_back_office_with_an_audit_record(staff, staff_client):
    response = staff_client.post(
        reverse("admin:comments_article_add"),
        {
            "slug": "new-offer",
            "title_en": "A new offer",
            "title_fr": "",
            "body_en": "Read **this**.",
            "body_fr": "",
            "published": "on",
            "published_at_0": "2026-01-05",
            "published_at_1": "10:00:00",
            "comments_open": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEvent.objects.filter(action="comments.article_created", actor=staff).exists()


def test_a_closing_account_cannot_comment_and_its_comments_are_withheld(client, article, alice):
    comment_by(alice, article, "Before I leave")
    alice.deletion_due_at = timezone.now() + timedelta(days=30)
    alice.save()

    assert "Before I leave" not in client.get(article_url(article)).content.decode()
    with pytest.raises(actions.Closed):
        actions.post_comment(author=alice, article=article, body="Still here")


def test_comments_are_rate_limited(article, alice, settings):
    settings.PETITE_COMMENTS_PER_HOUR = 2
    settings.PETITE_NEW_ACCOUNT_DAYS = 0  # an established member: new ones get fewer (P8)
    actions.confirm_public_comments(member=alice)
    client = signed_in(alice)
    statuses = [
        client.post(post_url(article), {"body": f"Comment {n}"}).status_code for n in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert Comment.objects.count() == 2


def test_a_closed_article_takes_no_comment(article, alice):
    article.comments_open = False
    article.save()
    actions.confirm_public_comments(member=alice)

    response = signed_in(alice).post(post_url(article), {"body": "Hello"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_the_confirmation_is_in_french_for_french_readers(article, alice):
    with translation.override("fr"):
        url = reverse("comments:confirm", args=[article.slug])
    signed_in(alice).post(url)
    assert PublicCommentNotice.objects.get().language == "fr"


def test_the_refusals_speak_french_to_french_readers(article, alice):
    actions.confirm_public_comments(member=alice)
    response = signed_in(alice).post("/fr" + post_url(article), {"body": "<b>gras</b>"})
    assert "Le HTML n&#x27;est pas accepté dans les commentaires." in response.content.decode()
