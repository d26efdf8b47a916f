"""Articles the Platform publishes, members' public comments on them, and each member's
confirmation that they understood their comments are public (S2).

A comment belongs to its author and goes with their account: erasing the member
deletes their comments (docs/adr/0011-erasure-of-a-deleted-members-comments.md).
No name is stored with a comment: the name shown is read from the Portrait (or
the first name) when the page is shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal


class Section(models.TextChoices):
    """What an article is about: the page context advertising may use (P7)."""

    NEWS = "news", _("Platform news")
    TECHNOLOGY = "technology", _("Technology")
    TRAVEL = "travel", _("Travel")
    FOOD = "food", _("Food and cooking")
    CULTURE = "culture", _("Culture")
    SPORT = "sport", _("Sport")


class Article(models.Model):
    """A page the team publishes, in English and French, open to comments. No personal data."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    section = models.CharField(
        _("section"), max_length=20, choices=Section.choices, default=Section.NEWS
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(
        _("title (French)"), max_length=200, blank=True, help_text=_("Empty: the English title.")
    )
    body_en = models.TextField(_("text (English)"), help_text=_("Markdown."))
    body_fr = models.TextField(
        _("text (French)"), blank=True, help_text=_("Markdown. Empty: the English text.")
    )
    published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published on"), default=timezone.now)
    comments_open = models.BooleanField(_("open to comments"), default=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title_en

    def get_absolute_url(self) -> str:
        return reverse("comments:article", args=[self.slug])

    @property
    def page_context(self) -> str:
        """How advertising names this page (petite.core.placements)."""
        return f"article:{self.section}"

    @property
    def title(self) -> str:
        if translation.get_language() == "fr" and self.title_fr:
            return self.title_fr
        return self.title_en

    @property
    def body(self) -> str:
        if translation.get_language() == "fr" and self.body_fr.strip():
            return self.body_fr
        return self.body_en


class Comment(models.Model):
    """A member's public comment on an article (Markdown, rendered and sanitised)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", verbose_name=_("article")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True)
    hidden_at = models.DateTimeField(
        _("hidden by the moderators"),
        null=True,
        blank=True,
        help_text=_("A hidden comment is shown to its author only."),
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hidden by"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["article", "created_at"], name="comments_article_time")]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    class Privacy:
        area = areas.COMMENTS
        label = _("Comments")
        description = _("What you wrote under articles, under your name.")
        subject = "author"
        manage_url = "comments:mine"
        fields = {
            "body": Personal(categories.COMMENTS, ["P5"], Erasure.DELETE),
            "created_at": Personal(categories.COMMENTS, ["P5"], Erasure.DELETE),
            "edited_at": Personal(categories.COMMENTS, ["P5"], Erasure.DELETE),
            "hidden_at": Personal(categories.COMMENTS, ["P5"], Erasure.DELETE),
        }
        # The moderator is staff: who hid a comment is the team's record.
        technical = ["id", "article", "author", "hidden_by"]

    def __str__(self) -> str:
        # Never the text: the admin's history would keep it after an erasure.
        return f"Comment #{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PublicCommentNotice(models.Model):
    """The member confirmed, before their first comment, that comments are public and
    under which name they appear: the proof that they were told (S2)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="public_comment_notice",
        verbose_name=_("member"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now)
    name_shown = models.CharField(
        _("name announced"),
        max_length=150,
        help_text=_("The name the member was told their comments would appear under."),
    )
    language = models.CharField(_("language of the notice"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("confirmation that comments are public")
        verbose_name_plural = _("confirmations that comments are public")

    class Privacy:
        area = areas.COMMENTS
        label = _("Your agreement to comment in public")
        description = _("When you agreed that your comments and name are public.")
        subject = "member"
        manage_url = "comments:mine"
        fields = {
            "confirmed_at": Personal(categories.COMMENTS, ["P5"], Erasure.DELETE),
            "name_shown": Personal(categories.COMMENTS, ["P5"], Erasure.DELETE),
            "language": Personal(categories.COMMENTS, ["P5"], Erasure.DELETE),
        }
        technical = ["id", "member"]

    def __str__(self) -> str:
        return f"Public comment notice #{self.pk}"
