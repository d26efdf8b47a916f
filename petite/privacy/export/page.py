"""The human-readable page (index.html): rows, the purposes overview, the situations."""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..categories import SITUATIONS, Category, Situation
from ..purposes import Purpose
from .values import Section, purposes_used


def _html_row(section: Section, cells: list[str], vertical: bool) -> str:
    if vertical:
        return "".join(
            f'<tr><th scope="row">{html.escape(f.label)}</th><td>{cell}</td></tr>\n'
            for f, cell in zip(section.fields, cells, strict=True)
        )
    return "<tr><td>" + "</td><td>".join(cells) + "</td></tr>\n"


@dataclass(frozen=True)
class PurposeOverview:
    purpose: Purpose
    sections: list[Section]
    categories: list[Category]


def _purposes_overview(sections: list[Section]) -> list[PurposeOverview]:
    """Each purpose, with the records and categories used for it."""
    overview = []
    for purpose in purposes_used(sections):
        used = [s for s in sections if purpose.id in s.declaration.purpose_ids]
        found: dict[str, Category] = {}
        for section in used:
            for personal in section.declaration.fields.values():
                if purpose.id in personal.purposes:
                    found.setdefault(personal.category.key, personal.category)
        overview.append(PurposeOverview(purpose, used, list(found.values())))
    return overview


def _by_situation(sections: list[Section]) -> list[tuple[Situation, list[Section]]]:
    """Records grouped by the situation of the clause's §1 in which they were collected."""
    grouped: dict[str, tuple[Situation, list[Section]]] = {}
    for section in sections:
        situation = section.situation
        grouped.setdefault(situation.key, (situation, []))[1].append(section)
    order = {s.key: i for i, s in enumerate(SITUATIONS)}
    return sorted(grouped.values(), key=lambda pair: order.get(pair[0].key, len(order)))
