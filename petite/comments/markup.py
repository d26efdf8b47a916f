"""Comment text: Markdown, checked before it is stored and sanitised when it is shown.

Members write Markdown (CommonMark: emphasis, links, lists, quotes, code). Raw HTML
is off in the parser, and nh3 cleans the rendered HTML against a short list of
tags, so nothing a member writes can run in a reader's browser. Before a comment is
stored, :func:`check` refuses with a clear message what would otherwise be shown
differently from what the member meant:

- HTML tags (they would appear as text): write Markdown instead;
- images: an image from another site would tell that site who reads the page;
- links other than ``https://`` or ``http://`` (``javascript:``, ``data:``, relative).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

from petite.messaging.validation import clean_text

ALLOWED_SCHEMES = frozenset({"http", "https"})
ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "del", "a", "code", "pre", "blockquote", "ul", "ol", "li", "hr"}
)
# A tag, an end tag or a comment, as someone would type HTML.
_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--")
# A link destination with a scheme, including those the parser leaves as text.
_LINK_SCHEME = re.compile(r"\]\(\s*<?\s*([A-Za-z][A-Za-z0-9+.-]*):")

# The checking parser sees images, to refuse them; the rendering one ignores them.
_checker = MarkdownIt("commonmark", {"html": False})
_renderer = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable(
    ["heading", "lheading", "image"]
)
_article_renderer = MarkdownIt("commonmark", {"html": False}).disable("image")


def _inline_tokens(tokens: Iterable[Token]) -> Iterable[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _inline_tokens(token.children)


def check(value: str) -> str:
    """The comment's text, stripped, or a ValidationError that says what to change."""
    text = clean_text(value, max_length=settings.PETITE_COMMENT_MAX_LENGTH)
    for match in _LINK_SCHEME.finditer(text):
        if match.group(1).lower() not in ALLOWED_SCHEMES:
            raise _bad_link()
    for token in _inline_tokens(_checker.parse(text)):
        if token.type == "image":
            raise ValidationError(
                _(
                    "Images are not accepted in comments: an image from another site would "
                    "tell that site who reads this page. Share a link instead."
                ),
                code="image",
            )
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            scheme, colon, _rest = href.partition(":")
            if not colon or scheme.lower() not in ALLOWED_SCHEMES:
                raise _bad_link()
        if token.type in {"text", "html_inline", "html_block"} and _HTML.search(token.content):
            raise ValidationError(
                _(
                    "HTML is not accepted in comments. Use Markdown instead: **bold**, "
                    "*italic*, [a link](https://example.org), or put code between `backquotes`."
                ),
                code="html",
            )
    return text


def _bad_link() -> ValidationError:
    return ValidationError(
        _("Links must be full web addresses, starting with https:// or http://."),
        code="link",
    )


def render(text: str) -> SafeString:
    """The HTML of a comment: Markdown rendered, then sanitised."""
    return _clean(_renderer.render(text), ALLOWED_TAGS)


def render_article(text: str) -> SafeString:
    """The HTML of an article (written by the team): the same, with section headings."""
    return _clean(_article_renderer.render(text), ALLOWED_TAGS | {"h2", "h3", "h4"})


def _clean(html: str, tags: frozenset[str]) -> SafeString:
    cleaned = nh3.clean(
        html,
        tags=set(tags),
        attributes={"a": {"href"}},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="nofollow ugc noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)
