"""Public pages of articles and their comment threads, and members' own comments.

Reading is open to everyone. Writing needs a signed-in member who confirmed, once,
that their comments are public. Editing and deleting work only on the member's own
comments: anyone else's (or a missing one) is answered "not found", staff included
(moderators hide comments in the back-office).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from petite.accounts.models import Member
from petite.core.formbody import edits_existing_data

from . import actions, markup, selectors
from .forms import CommentEditForm, CommentForm
from .models import Article


def _viewer(request: HttpRequest) -> Member | None:
    user = request.user
    return user if isinstance(user, Member) and user.is_authenticated else None


def _member(request: HttpRequest) -> Member:
    user = request.user
    assert isinstance(user, Member)  # login_required guarantees it
    return user


def _article(request: HttpRequest, slug: str) -> Article:
    article = selectors.article_for(slug, viewer=_viewer(request))
    if article is None:
        raise Http404
    return article


@require_http_methods(["GET", "HEAD"])
def article_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "comments/article_list.html", {"articles": selectors.published_articles()}
    )


def _render_article(
    request: HttpRequest, article: Article, form: CommentForm, status: int = 200
) -> HttpResponse:
    viewer = _viewer(request)
    return render(
        request,
        "comments/article_detail.html",
        {
            "article": article,
            "body_html": markup.render_article(article.body),
            "thread": selectors.thread(article, viewer=viewer),
            "form": form,
            "confirmed": viewer is not None and selectors.has_confirmed(viewer),
            "can_comment": article.published
            and article.comments_open
            and not (viewer is not None and viewer.is_closing),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
def article(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_article(request, _article(request, slug), CommentForm())


@login_required
@require_POST
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    member = _member(request)
    found = _article(request, slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_article(request, found, form, status=400)
    try:
        comment = actions.post_comment(author=member, article=found, body=form.cleaned_data["body"])
    except actions.NotConfirmed:
        # Keep nothing of the text: the member has not agreed to publish it yet.
        return redirect("comments:confirm", slug=found.slug)
    except actions.Closed:
        form.add_error(None, _("This article does not take comments."))
        return _render_article(request, found, form, status=403)
    except actions.RateLimited:
        form.add_error(
            None, _("You have commented a lot in a short time. Please wait a while and try again.")
        )
        return _render_article(request, found, form, status=429)
    except ValidationError as error:
        form.add_error("body", error)
        return _render_article(request, found, form, status=400)
    messages.success(request, _("Your comment is published."))
    return redirect(reverse("comments:article", args=[found.slug]) + f"#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Before the first comment: say plainly that comments are public, and under which name."""
    member = _member(request)
    found = _article(request, slug)
    target = reverse("comments:article", args=[found.slug]) + "#comment-form"
    if request.method == "POST":
        actions.confirm_public_comments(member=member)
        return redirect(target)
    return render(
        request,
        "comments/confirm.html",
        {
            "article": found,
            "name": selectors.name_for_comments(member),
            "has_display_name": _has_display_name(member),
            "already": selectors.has_confirmed(member),
        },
    )


def _has_display_name(member: Member) -> bool:
    portrait = getattr(member, "portrait", None)
    return bool(portrait is not None and portrait.display_name)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@edits_existing_data
def edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    member = _member(request)
    comment = selectors.own_comment(member, comment_id)
    if comment is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = CommentEditForm(request.POST)
        if form.is_valid():
            actions.edit_comment(member=member, comment=comment, body=form.cleaned_data["body"])
            messages.success(request, _("Your comment has been changed."))
            return redirect(_comment_url(comment.article, comment.pk))
        status = 400
    else:
        form = CommentEditForm(initial={"body": comment.body})
    return render(request, "comments/edit.html", {"form": form, "comment": comment}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    member = _member(request)
    comment = selectors.own_comment(member, comment_id)
    if comment is None:
        raise Http404
    if request.method == "POST":
        article_url = comment.article.get_absolute_url()
        actions.delete_comment(member=member, comment=comment)
        messages.success(request, _("Your comment has been deleted: nothing of it is kept."))
        back = request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(back)
        return redirect(article_url)
    return render(
        request,
        "comments/delete.html",
        {
            "comment": comment,
            "html": markup.render(comment.body),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def mine(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    rows = [(c, markup.render(c.body)) for c in selectors.comments_of(member)]
    return render(
        request,
        "comments/mine.html",
        {
            "rows": rows,
            "name": selectors.name_for_comments(member),
            "confirmed": selectors.has_confirmed(member),
        },
    )


def _comment_url(article: Article, comment_id: int) -> str:
    return article.get_absolute_url() + f"#comment-{comment_id}"
