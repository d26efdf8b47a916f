"""Reads of comments: published articles, the comments readers see, a member's own comments."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString

from petite.accounts.models import Member
from petite.messaging import selectors as messaging_selectors

from . import markup
from .models import Article, Comment, PublicCommentNotice


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(published=True)


def article_for(slug: str, *, viewer: Member | None) -> Article | None:
    """A published article; staff also see drafts (to read them before publishing)."""
    articles = (
        Article.objects.all() if viewer is not None and viewer.is_staff else published_articles()
    )
    return articles.filter(slug=slug).first()


def name_for_comments(member: Member) -> str:
    """The name a member's comments appear under: their Portrait display name, else
    their first name (never the last name or the e-mail address)."""
    return messaging_selectors.public_name(member)


def has_confirmed(member: Member) -> bool:
    return PublicCommentNotice.objects.filter(member=member).exists()


@dataclass(frozen=True)
class ShownComment:
    comment: Comment
    name: str
    html: SafeString
    mine: bool
    # A "Write to ..." link for signed-in readers other than the author.
    address: str


def thread(article: Article, *, viewer: Member | None) -> list[ShownComment]:
    """The comments readers see: not hidden, by members whose account is not closing
    (treated as gone), plus the viewer's own hidden comments, marked as such."""
    visible_author = Q(author__is_active=True, author__deletion_due_at__isnull=True)
    shown = Q(hidden_at__isnull=True) & visible_author
    if viewer is not None:
        shown |= Q(author=viewer)
    comments = (
        Comment.objects.filter(article=article)
        .filter(shown)
        .select_related("author__portrait")
        .order_by("created_at", "id")
    )
    rows = []
    for comment in comments:
        mine = viewer is not None and comment.author_id == viewer.pk
        rows.append(
            ShownComment(
                comment=comment,
                name=name_for_comments(comment.author),
                html=markup.render(comment.body),
                mine=mine,
                address=messaging_selectors.address_for(comment.author)
                if viewer is not None and not mine
                else "",
            )
        )
    return rows


def own_comment(member: Member, comment_id: int) -> Comment | None:
    return Comment.objects.filter(pk=comment_id, author=member).select_related("article").first()


def comments_of(member: Member) -> QuerySet[Comment]:
    return Comment.objects.filter(author=member).select_related("article").order_by("-created_at")
