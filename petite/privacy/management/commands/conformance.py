import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from petite.privacy import conformance


class Command(BaseCommand):
    help = (
        "Print, for every clause ID of REQUIREMENTS.md, the tests that carry it and their "
        "last result (from the report the test run writes), then the count covered/total."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--report",
            type=Path,
            help="The JSON report of the last test run "
            "(default: $PETITE_CONFORMANCE_REPORT or var/conformance.json).",
        )
        parser.add_argument(
            "--requirements", type=Path, help="REQUIREMENTS.md (default: ../shared/spec/)."
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Exit with status 1 unless every delivered clause is passing "
            "(a skipped test counts as unproven). .ci/run uses it.",
        )

    def handle(
        self,
        *args: Any,
        report: Path | None,
        requirements: Path | None,
        strict: bool = False,
        **options: Any,
    ) -> None:
        requirements_path = requirements or conformance.requirements_path()
        report_path = report or conformance.report_path(conformance.BASE_DIR, os.environ)
        spec = conformance.parse_requirements(requirements_path.read_text(encoding="utf-8"))
        data = conformance.load_report(report_path)
        if not data["tests"]:
            self.stderr.write(f"No test results in {report_path}: run `uv run pytest` first.")
        rows = conformance.build_matrix(spec, data["tests"])
        section = None
        for row in rows:
            if row.requirement.section != section:
                section = row.requirement.section
                self.stdout.write(f"\n{section}")
            marker = "*" if row.delivered else " "
            self.stdout.write(
                f"{marker} {row.requirement.id:<5} {row.status:<8} {row.requirement.promise}"
            )
            for nodeid, outcome in row.tests:
                self.stdout.write(f"        {outcome:<8} {nodeid}")
        covered = sum(row.covered for row in rows)
        delivered = [row for row in rows if row.delivered]
        self.stdout.write(
            f"\ncovered {covered}/{len(rows)}; delivered (*) "
            f"{sum(row.covered for row in delivered)}/{len(delivered)}; "
            f"passing {sum(row.status == 'passing' for row in rows)}/{len(rows)}"
        )
        for clause in conformance.unknown_clauses(spec, data["tests"]):
            self.stderr.write(f"Tests carry {clause}, which REQUIREMENTS.md does not define.")
        self.stdout.write(f"(requirements: {requirements_path}; results: {report_path})")
        unproven = [row.requirement.id for row in delivered if row.status != "passing"]
        if unproven:
            self.stdout.write(
                f"delivered but not proven (failing, skipped or missing): {', '.join(unproven)}"
            )
            if strict:
                raise CommandError("Some delivered clauses are not proven by a passing test.")
