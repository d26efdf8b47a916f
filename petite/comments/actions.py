"""Every write of comments: confirming they are public, posting, editing, deleting,
moderating, and the team's articles."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from petite.accounts.models import Member
from petite.core import audit
from petite.messaging import limits

from . import markup, selectors
from .models import Article, Comment, PublicCommentNotice


class CommentError(Exception):
    """A write refused for a reason the member is told."""


class NotConfirmed(CommentError):
    """The member has not yet confirmed that their comments are public."""


class Closed(CommentError):
    """The article takes no comments (unpublished, closed), or the account is closing."""


class RateLimited(CommentError):
    """Too many comments in a short time."""


@transaction.atomic
def confirm_public_comments(*, member: Member) -> PublicCommentNotice:
    """Record that ``member`` was told their comments are public, and under which name."""
    notice, created = PublicCommentNotice.objects.get_or_create(
        member=member,
        defaults={
            "name_shown": selectors.name_for_comments(member),
            "language": translation.get_language() or "",
        },
    )
    if created:
        audit.record("comments.public_notice_confirmed", actor=member, target=notice)
    return notice


def post_comment(*, author: Member, article: Article, body: str) -> Comment:
    """Publish ``author``'s comment on ``article``."""
    text = markup.check(body)
    if not article.published or not article.comments_open or author.is_closing:
        raise Closed
    if not selectors.has_confirmed(author):
        raise NotConfirmed
    if not limits.consume(
        "comment", author.pk, count=settings.PETITE_COMMENTS_PER_HOUR, seconds=limits.HOUR
    ):
        raise RateLimited
    with transaction.atomic():
        comment = Comment.objects.create(article=article, author=author, body=text)
        audit.record("comments.comment_posted", actor=author, target=comment)
    return comment


@transaction.atomic
def edit_comment(*, member: Member, comment: Comment, body: str) -> Comment:
    """The author changes their comment (a hidden comment stays hidden)."""
    text = markup.check(body)
    if comment.author_id != member.pk:
        raise CommentError
    if text != comment.body:
        comment.body = text
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        audit.record("comments.comment_edited", actor=member, target=comment)
    return comment


@transaction.atomic
def delete_comment(*, member: Member, comment: Comment) -> None:
    """The author deletes their comment: nothing of it is kept."""
    if comment.author_id != member.pk:
        raise CommentError
    comment_id = comment.pk
    Comment.objects.filter(pk=comment_id, author=member).delete()
    audit.record("comments.comment_deleted", actor=member, comment=comment_id)


@transaction.atomic
def set_hidden(*, comments: Iterable[Comment], hidden: bool, actor: Member) -> int:
    """Moderators hide comments from readers (their authors still see them), or show
    them again; returns how many changed."""
    ids = [c.pk for c in comments]
    changing = Comment.objects.select_for_update().filter(pk__in=ids, hidden_at__isnull=hidden)
    changed = list(changing.values_list("pk", flat=True))
    if not changed:
        return 0
    Comment.objects.filter(pk__in=changed).update(
        hidden_at=timezone.now() if hidden else None, hidden_by=actor if hidden else None
    )
    audit.record(
        "comments.comments_hidden" if hidden else "comments.comments_shown",
        actor=actor,
        comments=changed,
    )
    return len(changed)


@transaction.atomic
def save_article(*, article: Article, actor: Member | None) -> Article:
    """Create or change an article (back-office)."""
    creating = article.pk is None
    article.full_clean()
    article.save()
    audit.record(
        "comments.article_created" if creating else "comments.article_changed",
        actor=actor,
        target=article,
    )
    return article


@transaction.atomic
def delete_article(*, article: Article, actor: Member) -> None:
    """Delete an article and every comment on it (back-office)."""
    article_id = article.pk
    comments = Comment.objects.filter(article=article).count()
    article.delete()
    audit.record("comments.article_deleted", actor=actor, article=article_id, comments=comments)
