"""The conformance matrix: clause IDs from REQUIREMENTS.md -> tests -> results."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from django.core.management import call_command

from petite.privacy import conformance, pytest_plugin

SPEC = """\
# Requirements

## §1 Collection

| ID | Promise | What the software must do |
|----|---------|---------------------------|
| R1.1 | Opening an account collects names | Sign-up asks for exactly these. |
| R1.2 | Each connection is recorded | A connection log. |

## §4 Security

| ID | Promise | What the software must do |
|----|---------|---------------------------|
| SEC2 | The Internet is not completely secure | The notice says so. |
"""

TESTS = {
    "tests/test_a.py::test_signup": {"clauses": ["R1.1"], "outcome": "passed"},
    "tests/test_a.py::test_log": {"clauses": ["R1.2", "R1.1"], "outcome": "failed"},
    "tests/test_b.py::test_typo": {"clauses": ["R9.9"], "outcome": "passed"},
}


def test_requirements_are_parsed_with_their_section() -> None:
    parsed = conformance.parse_requirements(SPEC)

    assert [(r.id, r.section) for r in parsed] == [
        ("R1.1", "§1 Collection"),
        ("R1.2", "§1 Collection"),
        ("SEC2", "§4 Security"),
    ]
    assert parsed[0].promise == "Opening an account collects names"


def test_the_real_requirements_file_is_found_and_numbers_the_delivered_ids() -> None:
    ids = {
        r.id for r in conformance.parse_requirements(conformance.requirements_path().read_text())
    }

    assert ids >= conformance.DELIVERED
    # Every promise of the clause is delivered: the list names each one once.
    assert len(ids) == len(conformance.DELIVERED)


def test_the_committed_copy_of_the_requirements_is_current() -> None:
    shared, committed = conformance.REQUIREMENTS_PATHS
    if not shared.exists():
        pytest.skip("the shared specification is not beside this checkout")

    assert committed.read_text() == shared.read_text(), (
        f"Copy {shared} to {committed}: the fallback must say what the specification says."
    )


def test_the_matrix_lists_each_id_with_its_tests_and_status() -> None:
    rows = conformance.build_matrix(
        conformance.parse_requirements(SPEC), TESTS, delivered={"R1.1", "SEC2"}
    )

    by_id = {row.requirement.id: row for row in rows}
    assert by_id["R1.1"].tests == [
        ("tests/test_a.py::test_log", "failed"),
        ("tests/test_a.py::test_signup", "passed"),
    ]
    assert by_id["R1.1"].status == "failing"
    assert by_id["R1.2"].status == "failing"
    assert by_id["SEC2"].status == "missing"  # delivered, yet no test
    assert not by_id["SEC2"].covered


def test_an_undelivered_id_without_test_is_not_yet_due() -> None:
    rows = conformance.build_matrix(conformance.parse_requirements(SPEC), {}, delivered=set())

    assert {row.status for row in rows} == {"not yet"}


def test_missing_and_unknown_ids() -> None:
    spec = conformance.parse_requirements(SPEC)

    assert conformance.missing({"R1.1", "SEC2", "R1.2"}, TESTS) == ["SEC2"]
    assert conformance.unknown_clauses(spec, TESTS) == ["R9.9"]


def test_a_tests_result_is_the_worst_of_its_phases() -> None:
    assert conformance.worst(None, "passed") == "passed"
    assert conformance.worst("passed", "failed") == "failed"
    assert conformance.worst("failed", "passed") == "failed"
    assert conformance.worst("skipped", "passed") == "skipped"


def fake_config(*, args: list[str], source: Any, rootpath: Path, **options: Any) -> pytest.Config:
    values = {"collectonly": False, **options}
    return cast(
        pytest.Config,
        SimpleNamespace(
            args=args,
            args_source=source,
            rootpath=rootpath,
            invocation_params=SimpleNamespace(dir=rootpath),
            getoption=lambda name, default=None: values.get(name, default),
            getini=lambda name: ["petite", "tests"],
        ),
    )


ROOT = Path(__file__).resolve().parent.parent
ARGS = pytest.Config.ArgsSource.ARGS
TESTPATHS = pytest.Config.ArgsSource.TESTPATHS


@pytest.mark.parametrize(
    ("args", "source", "options", "full"),
    [
        ([], TESTPATHS, {}, True),
        (["."], ARGS, {}, True),
        (["petite", "tests"], ARGS, {}, True),
        (["tests"], ARGS, {}, False),
        (["tests/test_notice.py::test_x"], ARGS, {}, False),
        ([], TESTPATHS, {"keyword": "notice"}, False),
        ([], TESTPATHS, {"markexpr": "not slow"}, False),
        ([], TESTPATHS, {"lf": True}, False),
        ([], TESTPATHS, {"deselect": ["tests/test_a.py"]}, False),
        ([], TESTPATHS, {"collectonly": True}, False),
    ],
)
def test_only_a_full_run_enforces_the_delivered_ids(
    args: list[str], source: Any, options: dict[str, Any], full: bool
) -> None:
    config = fake_config(args=args, source=source, rootpath=ROOT, **options)

    assert pytest_plugin.is_full_run(config, environ={}) is full


def test_the_environment_can_force_the_rule_on_a_narrow_run() -> None:
    config = fake_config(args=["tests"], source=ARGS, rootpath=ROOT)

    assert pytest_plugin.is_full_run(config, environ={"PETITE_CONFORMANCE_REQUIRED": "1"})


def test_the_environment_can_turn_the_rule_off() -> None:
    config = fake_config(args=[], source=TESTPATHS, rootpath=ROOT)

    assert not pytest_plugin.is_full_run(config, environ={"PETITE_CONFORMANCE_REQUIRED": "0"})


def test_the_command_prints_the_matrix_and_the_count(tmp_path: Path) -> None:
    requirements = tmp_path / "REQUIREMENTS.md"
    requirements.write_text(SPEC)
    report = tmp_path / "conformance.json"
    report.write_text(json.dumps({"tests": TESTS}))
    out, err = StringIO(), StringIO()

    call_command("conformance", report=report, requirements=requirements, stdout=out, stderr=err)

    printed = out.getvalue()
    assert "R1.1" in printed
    assert "failed   tests/test_a.py::test_log" in printed
    assert "covered 2/3" in printed
    assert "R9.9" in err.getvalue()
