"""The back-office of comments: the team's articles, and moderation of comments.

Comments are read-only here: moderators hide them (or show them again) through
the actions, which leave an audit record. Deleting a comment is its author's choice.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from petite.accounts.models import Member

from . import actions, markup
from .models import Article, Comment


def _staff(request: HttpRequest) -> Member:
    assert isinstance(request.user, Member)  # the admin requires a signed-in member
    return request.user


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ("title_en", "slug", "published", "published_at", "comments_open")
    list_filter = ("published", "comments_open")
    search_fields = ("title_en", "title_fr", "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    date_hierarchy = "published_at"
    fieldsets = (
        (None, {"fields": ("slug", "published", "published_at", "comments_open")}),
        (_("English"), {"fields": ("title_en", "body_en")}),
        (_("French"), {"fields": ("title_fr", "body_fr")}),
    )

    def save_model(
        self, request: HttpRequest, obj: Article, form: ModelForm[Article], change: bool
    ) -> None:
        actions.save_article(article=obj, actor=_staff(request))

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        actions.delete_article(article=obj, actor=_staff(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        for article in queryset:
            actions.delete_article(article=article, actor=_staff(request))


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin[Comment]):
    list_display = ("created_at", "article", "excerpt", "state")
    list_filter = (("hidden_at", admin.EmptyFieldListFilter), "article", "created_at")
    search_fields = ("body",)
    date_hierarchy = "created_at"
    fields = ("article", "author", "created_at", "edited_at", "rendered", "hidden_at", "hidden_by")
    readonly_fields = fields
    actions = ("hide", "show")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).select_related("article")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("comments.change_comment")

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        text = " ".join(comment.body.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description=_("state"))
    def state(self, comment: Comment) -> Any:
        return _("hidden") if comment.is_hidden else _("shown")

    @admin.display(description=_("comment as readers see it"))
    def rendered(self, comment: Comment) -> SafeString:
        return markup.render(comment.body)

    def _set_hidden(self, request: HttpRequest, queryset: QuerySet[Comment], hidden: bool) -> None:
        count = actions.set_hidden(comments=queryset, hidden=hidden, actor=_staff(request))
        text = (
            ngettext("%(count)d comment hidden.", "%(count)d comments hidden.", count)
            if hidden
            else ngettext(
                "%(count)d comment shown again.", "%(count)d comments shown again.", count
            )
        )
        self.message_user(request, text % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Hide from readers"), permissions=["moderate"])
    def hide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._set_hidden(request, queryset, hidden=True)

    @admin.action(description=_("Show to readers again"), permissions=["moderate"])
    def show(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._set_hidden(request, queryset, hidden=False)
