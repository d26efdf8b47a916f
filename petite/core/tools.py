"""Finding the programs the platform and its tests start (uv, clamd, chromium...).

A fresh machine has uv in ``~/.local/bin`` only (where ``make uv`` and uv's own
installer put it), which is not on every PATH: looking at PATH alone made the
Stripe tests skip on a fresh clone. The project's own paths come first.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def find(name: str, *, env: str | None = None) -> str | None:
    """The path of the program ``name``, or None. Looked for, in order: the
    environment variable ``env`` (the Makefile exports ``PETITE_UV``), beside the
    running Python (the project's virtual environment), PATH, ``~/.local/bin``."""
    candidates: list[str] = []
    if env and os.environ.get(env):
        candidates.append(os.environ[env])
    candidates.append(str(Path(sys.executable).parent / name))
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    candidates.append(str(Path.home() / ".local" / "bin" / name))
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return None
