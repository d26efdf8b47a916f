"""Pytest plugin: a real clamd for every app's upload tests (registered in the root conftest).

Fixtures:

- ``clamd``: session-scoped, Debian's clamd started on a unix socket in a
  temporary folder with the project's signatures (EICAR); the settings point at
  it for the test. Without clamd installed the test fails, everywhere (a
  component that cannot start is never a pass); ``make clamav`` installs it.
- ``clamd_stopped``: a clamd that was started, then stopped: its socket is
  dead, as after a crash. Uploads must be refused with "try again later".
- ``eicar`` / ``eicar_zip``: the EICAR test file, bare and inside a ZIP, built at
  run time (never stored in the repository as a file).

Every test starts with the scanner pointed at a socket where nothing listens
(autouse), so that an upload path a test forgot to give a scanner fails closed
instead of reaching a clamd by accident.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from petite.core import clamd_local

# Built from its parts so that no file of the repository is the EICAR string itself.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!" + b"$H+H*"


@pytest.fixture(scope="session")
def _clamd_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[clamd_local.LocalClamd]:
    # A short path: unix socket paths are limited to 107 bytes.
    folder = Path(tmp_path_factory.mktemp("clamd", numbered=True))
    try:
        daemon = clamd_local.start(folder)
    except RuntimeError as error:
        # A component that cannot start fails the test, everywhere: a skip is not a pass.
        pytest.fail(f"clamd could not be started ({error}); `make clamav` installs it")
    yield daemon
    daemon.stop()


@pytest.fixture
def clamd(_clamd_daemon: clamd_local.LocalClamd, settings: Any) -> clamd_local.LocalClamd:
    settings.PETITE_CLAMD_SOCKET = _clamd_daemon.socket_path
    settings.PETITE_CLAMD_HOST = ""
    return _clamd_daemon


@pytest.fixture
def clamd_stopped(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> str:
    folder = Path(tmp_path_factory.mktemp("clamd-stopped", numbered=True))
    try:
        daemon = clamd_local.start(folder)
    except RuntimeError as error:
        # A component that cannot start fails the test, everywhere: a skip is not a pass.
        pytest.fail(f"clamd could not be started ({error}); `make clamav` installs it")
    daemon.stop()
    settings.PETITE_CLAMD_SOCKET = daemon.socket_path
    settings.PETITE_CLAMD_HOST = ""
    return daemon.socket_path


@pytest.fixture(autouse=True)
def _no_scanner_by_default(settings: Any, tmp_path: Path) -> None:
    settings.PETITE_CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")
    settings.PETITE_CLAMD_HOST = ""


@pytest.fixture
def eicar() -> bytes:
    return EICAR


@pytest.fixture
def eicar_zip() -> bytes:
    return zip_of("readme.txt", EICAR)


def zip_of(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()
