"""Pytest plugin: the conformance report of the clause's promises.

Each test that proves a promise carries ``@pytest.mark.clause("R1.2")`` (several
IDs may be given, or the marker stacked). At the end of the session the plugin
writes, for every such test, its IDs and outcome to a JSON report
(``$PETITE_CONFORMANCE_REPORT``, default ``var/conformance.json``), which
``manage.py conformance`` reads.

A *full* run fails when an ID of :data:`petite.privacy.conformance.DELIVERED`
has no test. A run is full when it collects the configured ``testpaths`` (or
the root directory) with no ``-k``, ``-m``, ``--deselect``, ``--ignore``,
``--lf`` or ``--sw``: a narrower run cannot tell a missing test from one it did
not select. ``PETITE_CONFORMANCE_REQUIRED=1`` enforces the rule on any run and
``=0`` turns it off. A narrower run merges its results into the existing report.

**No silent skips.** With ``CI=true`` a test carrying a delivered clause ID that
skips (its component could not start, a tool was not found) is reported as a
failure: a promise proven by nothing must not leave CI green. Tests marked
``@pytest.mark.postgresql`` (a PostgreSQL setting, a VACUUM) are not skipped on
SQLite but deselected at collection, and none of them may be a delivered clause's
only proof (the SQLite run then reports the clause missing).

Registered in the root conftest.py with ``pytest_plugins``; works with xdist
(the IDs travel to the controller in each report's ``user_properties``).
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from django.conf import settings

from petite.privacy import conformance

REQUIRED_ENV = "PETITE_CONFORMANCE_REQUIRED"
CI_ENV = "CI"
_PROPERTY = "clause"
_NARROWING_OPTIONS = ("keyword", "markexpr", "deselect", "ignore", "ignore_glob", "lf", "stepwise")


def clause_ids(item: pytest.Item) -> list[str]:
    ids: list[str] = []
    for marker in item.iter_markers(name="clause"):
        for value in marker.args:
            if str(value) not in ids:
                ids.append(str(value))
    return ids


def report_clause_ids(report: pytest.TestReport) -> list[str]:
    # After an xdist round trip the (name, value) tuples arrive as lists.
    return [str(value) for name, value in report.user_properties if name == _PROPERTY]


def report_outcome(report: pytest.TestReport) -> str | None:
    """The outcome this phase contributes, or None for a passing setup or teardown."""
    if report.failed:
        return "failed"
    if report.skipped:
        return "xfailed" if hasattr(report, "wasxfail") else "skipped"
    if report.when == "call":
        return "xpassed" if hasattr(report, "wasxfail") else "passed"
    return None


def in_ci(environ: dict[str, str] | None = None) -> bool:
    value = (environ if environ is not None else os.environ).get(CI_ENV, "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def on_postgresql() -> bool:
    return "postgresql" in str(settings.DATABASES["default"]["ENGINE"])


def delivered_clauses(item: pytest.Item) -> list[str]:
    return [clause for clause in clause_ids(item) if clause in conformance.DELIVERED]


def is_full_run(config: pytest.Config, environ: dict[str, str] | None = None) -> bool:
    setting = (environ if environ is not None else os.environ).get(REQUIRED_ENV, "").strip()
    if setting in {"0", "off", "no", "false"}:
        return False
    if setting in {"1", "on", "yes", "true"}:
        return True
    if config.getoption("collectonly", False):
        return False
    if any(config.getoption(name, None) for name in _NARROWING_OPTIONS):
        return False
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        return True  # no paths given: pytest collects testpaths (or the root directory)
    if any("::" in arg for arg in config.args):
        return False
    rootpath = config.rootpath
    given = {(config.invocation_params.dir / arg).resolve() for arg in config.args}
    testpaths = {(rootpath / path).resolve() for path in config.getini("testpaths")}
    return rootpath in given or (bool(testpaths) and testpaths <= given)


class ConformancePlugin:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.tests: dict[str, dict[str, Any]] = {}
        self.missing: list[str] = []
        self.enforced = False
        self.path = conformance.report_path(config.rootpath, os.environ)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        if not on_postgresql():
            # Deselected, not skipped: these cannot run on this database at all.
            only_postgresql = [i for i in items if i.get_closest_marker("postgresql")]
            if only_postgresql:
                self.config.hook.pytest_deselected(items=only_postgresql)
                items[:] = [i for i in items if not i.get_closest_marker("postgresql")]
        for item in items:
            for clause in clause_ids(item):
                item.user_properties.append((_PROPERTY, clause))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        if report.skipped and not hasattr(report, "wasxfail") and in_ci():
            delivered = delivered_clauses(item)
            if delivered:
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
                report.outcome = "failed"
                report.longrepr = (
                    f"CI=true: this test proves delivered clause(s) {', '.join(delivered)} "
                    f"and may not skip ({reason})"
                )
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        clauses = report_clause_ids(report)
        if not clauses:
            return
        outcome = report_outcome(report)
        entry = self.tests.setdefault(report.nodeid, {"clauses": clauses, "outcome": None})
        if outcome is not None:
            entry["outcome"] = conformance.worst(entry["outcome"], outcome)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):  # an xdist worker: the controller reports
            return
        full = is_full_run(self.config)
        self.write_report(full)
        interrupted = session.exitstatus == pytest.ExitCode.INTERRUPTED
        if full and not interrupted:
            self.enforced = True
            self.missing = conformance.missing(conformance.DELIVERED, self.tests)
            if self.missing and session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def write_report(self, full: bool) -> None:
        tests = {} if full else conformance.load_report(self.path)["tests"]
        for nodeid, entry in self.tests.items():
            tests[nodeid] = {
                "clauses": entry["clauses"],
                "outcome": entry["outcome"] or "passed",
            }
        data = {
            "full_run": full,
            "delivered": sorted(conformance.DELIVERED),
            "tests": dict(sorted(tests.items())),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.enforced:
            return
        if self.missing:
            terminalreporter.section("conformance", red=True)
            terminalreporter.write_line(
                "These delivered clause IDs have no test carrying "
                f"@pytest.mark.clause: {', '.join(self.missing)}",
                red=True,
            )
            terminalreporter.write_line(
                "Add tests that prove them, or remove them from "
                "petite/privacy/conformance.py DELIVERED if they are not delivered yet."
            )
        else:
            covered = len(conformance.clause_index(self.tests))
            terminalreporter.write_line(
                f"conformance: every delivered clause ID has a test ({covered} IDs covered); "
                f"report in {self.path}"
            )


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(ConformancePlugin(config), "petite-conformance")
