from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _export_dir(settings: Any, tmp_path: Path) -> None:
    # The scan reads the export directory: never the developer's var/exports.
    settings.PETITE_EXPORT_DIR = tmp_path / "exports"
