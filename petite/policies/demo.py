"""Demo data of policy versions (``manage.py demo_data``): the notice in force
recorded as version 1, so the version pages and the drift check have a start."""

from __future__ import annotations

from typing import TextIO

from . import actions


def load(stdout: TextIO) -> None:
    outcome = actions.prepare_draft()
    if outcome.outcome == "initial":
        stdout.write("Policy versions: the notice in force is recorded as version 1.\n")
