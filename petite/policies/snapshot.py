"""The frozen text of a policy version: the generated notice, in every language, now.

A policy version does not hold text written for it: it holds what
:func:`petite.privacy.notice.render_notice` generated from the registry and the
purposes at the moment the version was prepared (the same Markdown as the committed
``docs/privacy/notice.*.md``, and the HTML of the ``/privacy/`` page). The content
hash covers the Markdown of every language, so any change a member could read,
in either language, makes a new version.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from petite.privacy.notice import render_notice
from petite.privacy.publication import NOTICE_LANGUAGES

LANGUAGES: tuple[str, ...] = tuple(NOTICE_LANGUAGES)


@dataclass(frozen=True)
class Snapshot:
    texts: dict[str, str]  # language -> Markdown
    html: dict[str, str]  # language -> HTML of the notice page's body
    content_hash: str


def take() -> Snapshot:
    """The notice as the code generates it now, in every published language."""
    texts = {language: render_notice(language) for language in LANGUAGES}
    html = {language: render_notice(language, format="html") for language in LANGUAGES}
    return Snapshot(texts=texts, html=html, content_hash=content_hash(texts))


def content_hash(texts: dict[str, str]) -> str:
    """SHA-256 of the Markdown of every language, in a fixed order."""
    digest = hashlib.sha256()
    for language in sorted(texts):
        digest.update(language.encode() + b"\0" + texts[language].encode("utf-8") + b"\0")
    return digest.hexdigest()


# --- Readable lines, for the diff between two versions --------------------------------

_ESCAPED = re.compile(r"\\([\\`*_\[\]<>|])")
_LINK = re.compile(r"(?<!\\)\[((?:\\.|[^\]\\])*)\]\(([^)\s]*)\)")
_STRONG = re.compile(r"(?<!\\)\*\*((?:\\.|[^*\\])*)\*\*")
_CODE = re.compile(r"`([^`]*)`")
_HEADING = re.compile(r"^(#{1,6}) ")
_BULLET = re.compile(r"^(\s*)- ")


def readable_lines(markdown: str) -> list[str]:
    """The Markdown of a notice as a reader sees it, one line per heading, paragraph,
    list item or table row: no escapes, no link targets, no emphasis marks."""
    lines = []
    for raw in markdown.splitlines():
        line = raw.rstrip()
        if not line.strip() or set(line.replace("|", "").strip()) <= {"-"}:
            continue  # blank lines and table rules carry no words
        line = _HEADING.sub("", line)
        bullet = _BULLET.match(line)
        if bullet:
            depth = len(bullet.group(1)) // 2
            line = "  " * depth + "• " + line[bullet.end() :]
        if line.startswith("| ") and line.endswith(" |"):
            line = " — ".join(cell.strip() for cell in _split_row(line[2:-2]))
        line = _LINK.sub(r"\1", line)
        line = _STRONG.sub(r"\1", line)
        line = _CODE.sub(r"\1", line)
        lines.append(_ESCAPED.sub(r"\1", line))
    return lines


def _split_row(row: str) -> list[str]:
    # Cells are separated by " | "; an escaped "\|" belongs to the cell.
    return re.split(r"(?<!\\) \| ", row)
