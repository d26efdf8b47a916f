"""A readable comparison of two versions of the notice, computed with difflib.

The comparison works on the lines a reader sees (headings, paragraphs, list
items: :func:`petite.policies.snapshot.readable_lines`), shows a few unchanged
lines around each change and, within a line that changed a little, which words
were removed and added. The page renders it with ``<del>`` and ``<ins>`` plus
words for screen readers, so colour is never the only cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from .snapshot import readable_lines

PieceKind = Literal["same", "removed", "added"]
LineKind = Literal["context", "removed", "added", "changed"]

# Below this similarity, a replaced line is shown as removed then added.
SIMILAR = 0.5
CONTEXT = 2
_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    kind: PieceKind
    text: str


@dataclass(frozen=True)
class Line:
    kind: LineKind
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


@dataclass
class Hunk:
    # Unchanged lines left out before this hunk.
    skipped: int
    lines: list[Line] = field(default_factory=list)


@dataclass
class Comparison:
    hunks: list[Hunk]
    # Unchanged lines left out after the last hunk.
    skipped_after: int
    added: int
    removed: int
    changed: int

    @property
    def identical(self) -> bool:
        return not self.hunks


def compare(old_markdown: str, new_markdown: str, *, context: int = CONTEXT) -> Comparison:
    old = readable_lines(old_markdown)
    new = readable_lines(new_markdown)
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    hunks: list[Hunk] = []
    counts = {"added": 0, "removed": 0, "changed": 0}
    shown_until = 0  # index in `old` after the last line shown
    for group in matcher.get_grouped_opcodes(context):
        hunk = Hunk(skipped=group[0][1] - shown_until)
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                hunk.lines.extend(Line("context", (Piece("same", line),)) for line in old[i1:i2])
            elif tag == "delete":
                hunk.lines.extend(_whole("removed", old[i1:i2]))
                counts["removed"] += i2 - i1
            elif tag == "insert":
                hunk.lines.extend(_whole("added", new[j1:j2]))
                counts["added"] += j2 - j1
            else:
                hunk.lines.extend(_replace(old[i1:i2], new[j1:j2], counts))
        shown_until = group[-1][2]
        hunks.append(hunk)
    return Comparison(
        hunks=hunks,
        skipped_after=len(old) - shown_until if hunks else 0,
        **counts,
    )


def _whole(kind: Literal["removed", "added"], lines: list[str]) -> list[Line]:
    return [Line(kind, (Piece(kind, line),)) for line in lines]


def _replace(old: list[str], new: list[str], counts: dict[str, int]) -> list[Line]:
    """Pair the replaced lines in order: a pair that is mostly the same is one changed
    line with word-level marks; anything else is removed, then added."""
    lines: list[Line] = []
    removed: list[str] = []
    added: list[str] = []
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else None
        after = new[index] if index < len(new) else None
        if before is not None and after is not None:
            old_words, new_words = _words(before), _words(after)
            words = SequenceMatcher(None, old_words, new_words, autojunk=False)
            if words.ratio() >= SIMILAR:
                lines.extend(_whole("removed", removed) + _whole("added", added))
                removed, added = [], []
                lines.append(Line("changed", _word_pieces(words, old_words, new_words)))
                counts["changed"] += 1
                continue
        if before is not None:
            removed.append(before)
            counts["removed"] += 1
        if after is not None:
            added.append(after)
            counts["added"] += 1
    lines.extend(_whole("removed", removed) + _whole("added", added))
    return lines


def _words(line: str) -> list[str]:
    return _TOKENS.findall(line)


def _word_pieces(
    matcher: SequenceMatcher[str], old: list[str], new: list[str]
) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(new[j1:j2])))
    return tuple(pieces)
