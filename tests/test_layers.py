"""Layers as an executable contract (issue 10; docs/adr/0016-layers-and-allowlist.md).

``make lint`` runs ``lint-imports`` (the contracts in pyproject.toml) and
``bin/import-cycles``. These tests prove both hold today and fail on a copy of
the tree where someone added an upward import, an unlisted cross-app import or
an import cycle, and that every package of ``petite`` is under a contract.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONTRACTS = {c["id"]: c for c in CONFIG["tool"]["importlinter"]["contracts"]}


def packages() -> set[str]:
    return {
        f"petite.{path.parent.name}"
        for path in (ROOT / "petite").glob("*/__init__.py")
        if path.parent.name != "tests"
    }


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(  # noqa: S603  (our own tools, no shell)
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return run([str(BIN / "lint-imports"), "--no-cache"], cwd)


def import_cycles(cwd: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, str(cwd / "bin" / "import-cycles")], cwd)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the Python sources, the configuration and the cycle check."""
    shutil.copytree(
        ROOT / "petite",
        tmp_path / "petite",
        ignore=shutil.ignore_patterns(
            "__pycache__", "locale", "templates", "static", "*.mo", "*.po", "*.html"
        ),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "bin").mkdir()
    shutil.copy(ROOT / "bin" / "import-cycles", tmp_path / "bin" / "import-cycles")
    return tmp_path


def add_line(tree: Path, module: str, line: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_every_package_of_petite_is_under_the_contracts() -> None:
    layers = CONTRACTS["layers"]["layers"]
    in_layers = {f"petite.{name.strip()}" for layer in layers for name in layer.split(":")}
    apps = set(CONTRACTS["apps"]["modules"])
    assert packages() == in_layers, "a new package goes in a layer of pyproject.toml"
    assert apps == packages() - {"petite.core", "petite.privacy", "petite.demo"}
    assert set(CONTRACTS["core"]["forbidden_modules"]) == packages() - {"petite.core"}
    assert CONTRACTS["layers"]["containers"] == ["petite"]
    assert layers[-2:] == ["privacy", "core"]


def test_the_contracts_and_the_cycle_check_hold_today() -> None:
    linted = lint_imports(ROOT)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert "0 broken" in linted.stdout
    cycles = import_cycles(ROOT)
    assert cycles.returncode == 0, cycles.stdout + cycles.stderr


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # core imports nothing from petite
        ("petite.core.http", "import petite.privacy.stores", "Core imports nothing from petite"),
        # privacy imports no app
        ("petite.privacy.stores", "import petite.accounts.models", "nothing upward"),
        # an app imports another only through the allowlist
        ("petite.messaging.views", "import petite.payments.selectors", "except the allowlist"),
    ],
)
def test_an_upward_or_unlisted_import_fails_make_lint(
    tree: Path, module: str, line: str, contract: str
) -> None:
    assert lint_imports(tree).returncode == 0

    add_line(tree, module, line)
    linted = lint_imports(tree)

    assert linted.returncode != 0
    broken = [row for row in linted.stdout.splitlines() if " BROKEN" in row]
    assert any(contract in row for row in broken), linted.stdout


def test_a_new_app_outside_the_layers_fails_make_lint(tree: Path) -> None:
    (tree / "petite" / "newdesk").mkdir()
    (tree / "petite" / "newdesk" / "__init__.py").write_text("")

    linted = lint_imports(tree)

    assert linted.returncode != 0
    assert "petite.newdesk" in linted.stdout


def test_an_import_cycle_fails_make_lint(tree: Path) -> None:
    # http already imports errors: errors importing http closes a cycle.
    add_line(tree, "petite.core.errors", "from petite.core import http  # noqa")

    cycles = import_cycles(tree)

    assert cycles.returncode == 1
    assert "petite.core.errors" in cycles.stdout
    assert "petite.core.http" in cycles.stdout


def test_an_allowed_cycle_that_is_gone_must_leave_the_allowlist(tree: Path) -> None:
    config = tree / "pyproject.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "allow = [", 'allow = [\n    ["petite.core.errors", "petite.core.http"],', 1
        ),
        encoding="utf-8",
    )

    cycles = import_cycles(tree)

    assert cycles.returncode == 1
    assert "no longer exists" in cycles.stdout


def function_local_imports(path: Path) -> list[tuple[int, str]]:
    """Imports inside a function with no comment just above (or on the line) saying why."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                above = lines[node.lineno - 2 : node.lineno - 1]
                explained = "#" in lines[node.lineno - 1] or any(
                    # A comment, possibly above a run of imports of the same block.
                    line.strip().startswith(("#", "from ", "import "))
                    and any(
                        row.strip().startswith("#")
                        for row in lines[max(0, node.lineno - 6) : node.lineno - 1]
                    )
                    for line in above
                )
                if not explained:
                    found.append((node.lineno, lines[node.lineno - 1].strip()))
    return found


@pytest.mark.parametrize("package", ["core", "privacy"])
def test_no_function_local_import_in_the_engines_without_a_reason(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in (ROOT / "petite" / package).rglob("*.py")
        if "migrations" not in path.parts and (found := function_local_imports(path))
    }
    assert offenders == {}
