"""No test of a delivered promise can skip silently (issue 11, finding 8)."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from petite.core import tools
from petite.privacy import conformance

ROOT = Path(__file__).resolve().parent.parent


def test_finding_8_tests_that_skip_on_a_fresh_machine_uv_is_found_off_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh machine has uv in ~/.local/bin only, not on PATH: the Stripe tests'
    helper (and every tool the tests start) still finds it."""
    home = tmp_path / "home"
    uv = home / ".local" / "bin" / "uv"
    uv.parent.mkdir(parents=True)
    uv.write_text("#!/bin/sh\n")
    uv.chmod(uv.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.delenv("PETITE_UV", raising=False)

    assert tools.find("uv") == str(uv)


def test_the_makefile_names_the_uv_the_tests_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PETITE_UV", sys.executable)

    assert tools.find("uv", env="PETITE_UV") == sys.executable
    assert "export PETITE_UV" in (ROOT / "Makefile").read_text()


SKIPPING = """
import pytest

@pytest.mark.clause("{clause}")
def test_a_promise_whose_component_is_missing():
    pytest.skip("component could not be started")
"""


def _run_pytest(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    clause = sorted(conformance.DELIVERED)[0]
    test_file = tmp_path / "test_skipping.py"
    test_file.write_text(SKIPPING.format(clause=clause))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {
        **os.environ,
        "CI": "true" if ci else "",
        "PETITE_CONFORMANCE_REQUIRED": "0",
        "PETITE_CONFORMANCE_REPORT": str(tmp_path / "report.json"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [
            sys.executable,
            "-m",
            "pytest",
            str(test_file),
            "-c",
            str(tmp_path / "pytest.ini"),
            "--rootdir",
            str(tmp_path),
            "-p",
            "petite.privacy.pytest_plugin",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "--ds",
            "config.settings",
            "-q",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_finding_8_a_delivered_clauses_test_that_skips_fails_the_run_in_ci(tmp_path: Path) -> None:
    in_ci = _run_pytest(tmp_path, ci=True)
    assert in_ci.returncode == 1, in_ci.stdout[-2000:]
    assert "may not skip" in in_ci.stdout

    on_a_laptop = _run_pytest(tmp_path, ci=False)
    assert on_a_laptop.returncode == 0, on_a_laptop.stdout[-2000:]
    assert "1 skipped" in on_a_laptop.stdout


def test_finding_8_conformance_counts_a_skipped_test_as_unproven(tmp_path: Path) -> None:
    clause = sorted(conformance.DELIVERED)[0]
    spec = conformance.parse_requirements(conformance.requirements_path().read_text())
    tests = {"tests/test_a.py::test_x": {"clauses": [clause], "outcome": "skipped"}}
    tests["tests/test_a.py::test_y"] = {"clauses": [clause], "outcome": "passed"}

    rows = {row.requirement.id: row for row in conformance.build_matrix(spec, tests)}

    assert rows[clause].status == "unproven"
    report = tmp_path / "report.json"
    report.write_text(
        '{"full_run": true, "delivered": [], "tests": ' + str(tests).replace("'", '"') + "}"
    )
    with pytest.raises(CommandError):
        call_command("conformance", report=report, strict=True, stdout=io.StringIO())
