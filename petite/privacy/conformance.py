"""Conformance: which tests prove which promise of the clause (REQUIREMENTS.md IDs).

Tests carry ``@pytest.mark.clause("R1.2")``. The pytest plugin
(:mod:`petite.privacy.pytest_plugin`) writes each test's clause IDs and outcome
to a JSON report; ``manage.py conformance`` prints the matrix ID -> tests ->
result from it. ``DELIVERED`` is the one list of the IDs the platform claims to
keep so far: a full test run fails when one of them has no test.

Pure Python on purpose: the pytest plugin imports it before Django is set up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# The promises delivered so far, by issue. Add an issue's IDs when it lands.
DELIVERED: frozenset[str] = frozenset(
    {
        # Issue 2: the foundation.
        "R1.1",
        "R1.2",
        "R1.3",
        "R1.4",
        "P1",
        "P4",
        "SEC1",
        "SEC2",
        # Issue 3: members' rights.
        "U1",
        "U2",
        "U3",
        "U4",
        "U5",
        "U6",
        "E4",
        # Issue 4: policy versions, the 15-day notice, cookie consent, commercial e-mail.
        "E1",
        "E2",
        "E3",
        "R1.5",
        "P2",
        "P7",
        "P10",
        # Issue 5: messaging, public comments, third-party apps.
        "P5",
        "S2",
        "S3",
        # Issue 13: user assistance, the provider register, limited staff access.
        "P6",
        "S4",
        # Issue 6: payments, receipts, disputes.
        "P3",
        "P9",
        "S1",
        # Issue 14: suspicious sign-ins, malware scanning, the incident register.
        "P8",
        # Issue 15: authority requests, legal holds, the transparency report, transfers.
        "S5",
        "S6",
    }
)

# The specification lives beside the checkout (../shared, as CI lays it out); a
# copy is committed so the command also works in a checkout on its own.
REQUIREMENTS_PATHS: tuple[Path, ...] = (
    BASE_DIR.parent / "shared" / "spec" / "REQUIREMENTS.md",
    BASE_DIR / "docs" / "privacy" / "REQUIREMENTS.md",
)
DEFAULT_REPORT = Path("var") / "conformance.json"
REPORT_ENV = "PETITE_CONFORMANCE_REPORT"

# Outcomes, from the least to the most telling: a test's result is the worst of its phases.
OUTCOME_RANK = {"passed": 0, "xpassed": 1, "skipped": 2, "xfailed": 3, "failed": 4}

_ROW = re.compile(r"^\|\s*(?P<id>[A-Z]+\d+(?:\.\d+)?)\s*\|\s*(?P<promise>[^|]*?)\s*\|")
_SECTION = re.compile(r"^##\s+(?P<title>.+?)\s*$")


@dataclass(frozen=True)
class Requirement:
    id: str
    promise: str
    section: str


def requirements_path() -> Path:
    for path in REQUIREMENTS_PATHS:
        if path.exists():
            return path
    raise FileNotFoundError(
        "REQUIREMENTS.md not found in: " + ", ".join(str(p) for p in REQUIREMENTS_PATHS)
    )


def parse_requirements(text: str) -> list[Requirement]:
    """Every ID of the requirement tables, in the order of the document."""
    found: list[Requirement] = []
    seen: set[str] = set()
    section = ""
    for line in text.splitlines():
        heading = _SECTION.match(line)
        if heading:
            section = heading.group("title")
            continue
        row = _ROW.match(line)
        if row and row.group("id") not in seen:
            seen.add(row.group("id"))
            found.append(Requirement(row.group("id"), row.group("promise"), section))
    return found


def report_path(rootdir: Path, environ: Mapping[str, str]) -> Path:
    path = Path(environ.get(REPORT_ENV) or DEFAULT_REPORT)
    return path if path.is_absolute() else rootdir / path


def load_report(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"tests": {}}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    data.setdefault("tests", {})
    return data


def worst(first: str | None, second: str) -> str:
    if first is None:
        return second
    return max(first, second, key=lambda outcome: OUTCOME_RANK.get(outcome, 0))


def clause_index(tests: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """Clause ID -> the node ids of the tests that carry it, sorted."""
    index: dict[str, list[str]] = {}
    for nodeid, entry in tests.items():
        for clause in entry.get("clauses", []):
            index.setdefault(clause, []).append(nodeid)
    return {clause: sorted(nodeids) for clause, nodeids in sorted(index.items())}


def missing(required: Iterable[str], tests: Mapping[str, Mapping[str, Any]]) -> list[str]:
    covered = clause_index(tests)
    return sorted(set(required) - set(covered), key=_id_order)


def _id_order(clause: str) -> tuple[str, tuple[int, ...]]:
    letters = re.match(r"[A-Z]*", clause)
    prefix = letters.group(0) if letters else ""
    numbers = tuple(int(n) for n in re.findall(r"\d+", clause))
    return (prefix, numbers)


@dataclass
class MatrixRow:
    requirement: Requirement
    delivered: bool
    tests: list[tuple[str, str]] = field(default_factory=list)  # (node id, outcome)

    @property
    def covered(self) -> bool:
        return bool(self.tests)

    @property
    def status(self) -> str:
        if not self.tests:
            return "missing" if self.delivered else "not yet"
        outcomes = [outcome for _nodeid, outcome in self.tests]
        if any(outcome == "failed" for outcome in outcomes):
            return "failing"
        # A skipped test proves nothing: one is enough to leave the promise unproven.
        if any(outcome in {"skipped", "xfailed"} for outcome in outcomes):
            return "unproven"
        return "passing"


def build_matrix(
    requirements: Iterable[Requirement],
    tests: Mapping[str, Mapping[str, Any]],
    delivered: Iterable[str] = DELIVERED,
) -> list[MatrixRow]:
    index = clause_index(tests)
    delivered_set = set(delivered)
    rows = []
    for requirement in requirements:
        nodeids = index.get(requirement.id, [])
        rows.append(
            MatrixRow(
                requirement,
                requirement.id in delivered_set,
                [(n, str(tests[n].get("outcome", "unknown"))) for n in nodeids],
            )
        )
    return rows


def unknown_clauses(
    requirements: Iterable[Requirement], tests: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """IDs that tests carry but REQUIREMENTS.md does not define (typos)."""
    known = {r.id for r in requirements}
    return sorted(set(clause_index(tests)) - known, key=_id_order)
