"""A campaign's body, from what staff wrote to what a member's mail program shows.

Staff write Markdown or a restricted HTML; either way the HTML part of the
message is what :func:`to_html` gives: Markdown rendered by markdown-it-py, then
every tag, attribute and URL scheme outside a short allow-list removed by nh3
(scripts and styles with their content). No images: a remote image is how a
sender learns that, when and where a message was opened, which P10 does not
cover. The plain-text part (:func:`to_text`) is derived from that same HTML, so
both parts always say the same thing.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "u",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = frozenset({"https", "http", "mailto"})
# Removed together with everything inside them.
REMOVED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "noscript"})

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})


def sanitise(html: str) -> str:
    """Only the allowed tags, attributes and link schemes remain."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def to_html(body: str, body_format: str) -> str:
    """The body as the sanitised HTML fragment that goes in the message."""
    if body_format == "markdown":
        return sanitise(_markdown.render(body))
    return sanitise(body)


_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "blockquote", "pre", "ul", "ol", "hr", "table", "tr"}
)


class _TextWriter(HTMLParser):
    """Sanitised HTML to readable text: paragraphs apart, list items bulleted,
    links followed by their address in brackets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str | None] = []
        self.in_pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        if tag == "pre":
            self.in_pre += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "hr":
            self.parts.append("----\n\n")
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href = self.links.pop()
            if href and not href.startswith("mailto:"):
                self.parts.append(f" <{href}>")
        elif tag == "pre":
            self.in_pre = max(0, self.in_pre - 1)
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data if self.in_pre else re.sub(r"\s+", " ", data))

    def text(self) -> str:
        joined = "".join(self.parts)
        # Collapsing whitespace leaves one space at the start of some lines.
        lines = [re.sub(r"^ ", "", line.rstrip()) for line in joined.splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def to_text(html: str) -> str:
    """The plain-text part of the message, from the sanitised HTML."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()
