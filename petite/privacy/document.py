"""A tiny document model for the generated privacy texts, rendered to Markdown or HTML.

The notice and the processing register are built once as blocks (headings,
paragraphs, lists, tables) from the registry; the same blocks become the web
page and the committed Markdown copy, so the two can never say different things.
Rendering is deterministic: no dates, no randomness, input order preserved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Strong:
    text: str


Inline = str | Link | Code | Strong
Text = tuple[Inline, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    text: Text
    anchor: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: Text


@dataclass(frozen=True)
class Item:
    text: Text
    children: tuple[Text, ...] = ()


@dataclass(frozen=True)
class BulletList:
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[Text, ...]
    rows: tuple[tuple[Text, ...], ...]


Block = Heading | Paragraph | BulletList | Table


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)

    def heading(self, level: int, *text: Inline, anchor: str = "") -> None:
        self.blocks.append(Heading(level, _text(text), anchor))

    def paragraph(self, *text: Inline) -> None:
        self.blocks.append(Paragraph(_text(text)))

    def bullets(self, items: Iterable[Item | Text]) -> None:
        normalised = tuple(i if isinstance(i, Item) else Item(i) for i in items)
        if normalised:
            self.blocks.append(BulletList(normalised))

    def table(self, header: Sequence[Text], rows: Iterable[Sequence[Text]]) -> None:
        self.blocks.append(Table(tuple(header), tuple(tuple(r) for r in rows)))


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def fmt(message: str, **values: Inline | Text) -> Text:
    """Fill ``%(name)s`` placeholders of a translated message with inline pieces
    (links, code, emphasis), so a translator can move them within the sentence."""
    pieces: list[Inline] = []
    position = 0
    for match in _PLACEHOLDER.finditer(message):
        pieces.append(message[position : match.start()])
        value = values[match.group(1)]
        pieces.extend(value if isinstance(value, tuple) else (value,))
        position = match.end()
    pieces.append(message[position:])
    return tuple(p for p in pieces if p != "")


def join(items: Iterable[Inline], separator: str = ", ") -> Text:
    pieces: list[Inline] = []
    for item in items:
        if pieces:
            pieces.append(separator)
        pieces.append(item)
    return tuple(pieces)


def _text(pieces: Iterable[Inline | Text]) -> Text:
    flat: list[Inline] = []
    for piece in pieces:
        if isinstance(piece, tuple):
            flat.extend(piece)
        else:
            flat.append(str(piece) if not isinstance(piece, Link | Code | Strong) else piece)
    return tuple(flat)


# --- Markdown ---------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _md_inline(text: Text) -> str:
    out: list[str] = []
    for piece in text:
        if isinstance(piece, Link):
            out.append(f"[{_md_escape(piece.text)}]({piece.href})")
        elif isinstance(piece, Code):
            out.append(f"`{piece.text}`")
        elif isinstance(piece, Strong):
            out.append(f"**{_md_escape(piece.text)}**")
        else:
            out.append(_md_escape(piece))
    return _squash("".join(out))


def _squash(text: str) -> str:
    # Only ASCII white space: French typography needs its no-break spaces.
    return _WHITESPACE.sub(" ", text).strip()


_WHITESPACE = re.compile(r"[ \t\r\n]+")


def to_markdown(document: Document) -> str:
    chunks = []
    for block in document.blocks:
        if isinstance(block, Heading):
            chunks.append(f"{'#' * block.level} {_md_inline(block.text)}")
        elif isinstance(block, Paragraph):
            chunks.append(_md_inline(block.text))
        elif isinstance(block, BulletList):
            lines = []
            for item in block.items:
                lines.append(f"- {_md_inline(item.text)}")
                lines.extend(f"  - {_md_inline(child)}" for child in item.children)
            chunks.append("\n".join(lines))
        else:
            rows = [block.header, *block.rows]
            lines = ["| " + " | ".join(_md_inline(cell) for cell in row) + " |" for row in rows]
            lines.insert(1, "|" + "---|" * len(block.header))
            chunks.append("\n".join(lines))
    return "\n\n".join(chunks) + "\n"


# --- HTML -------------------------------------------------------------------------


def _html_inline(text: Text) -> str:
    out: list[str] = []
    for piece in text:
        if isinstance(piece, Link):
            out.append(format_html('<a href="{}">{}</a>', piece.href, piece.text))
        elif isinstance(piece, Code):
            out.append(format_html("<code>{}</code>", piece.text))
        elif isinstance(piece, Strong):
            out.append(format_html("<strong>{}</strong>", piece.text))
        else:
            out.append(str(escape(piece)))
    return _squash("".join(out))


def to_html(document: Document) -> SafeString:
    chunks = []
    for block in document.blocks:
        if isinstance(block, Heading):
            anchor = format_html(' id="{}"', block.anchor) if block.anchor else ""
            chunks.append(f"<h{block.level}{anchor}>{_html_inline(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            chunks.append(f"<p>{_html_inline(block.text)}</p>")
        elif isinstance(block, BulletList):
            items = []
            for item in block.items:
                children = "".join(f"<li>{_html_inline(c)}</li>" for c in item.children)
                nested = f"<ul>{children}</ul>" if children else ""
                items.append(f"<li>{_html_inline(item.text)}{nested}</li>")
            chunks.append("<ul>\n" + "\n".join(items) + "\n</ul>")
        else:
            head = "".join(f'<th scope="col">{_html_inline(c)}</th>' for c in block.header)
            body = "\n".join(
                "<tr>" + "".join(f"<td>{_html_inline(c)}</td>" for c in row) + "</tr>"
                for row in block.rows
            )
            chunks.append(
                f'<div class="table-scroll"><table>\n<thead><tr>{head}</tr></thead>\n'
                f"<tbody>\n{body}\n</tbody>\n</table></div>"
            )
    # Every piece of text above went through escape() or format_html().
    return mark_safe("\n".join(chunks))  # noqa: S308
