"""Start Debian's clamd on a unix socket in a folder of ours, with the project's signatures.

Signature downloads are impossible offline (and slow anywhere), so the tests and
the demonstration (``make run``) start clamd with the project-owned database in
``petite/core/clamav/`` (EICAR as an ``.ndb`` body signature: detected as is and
inside archives). Production points ``PETITE_CLAMD_SOCKET`` or
``PETITE_CLAMD_HOST`` at a clamd kept up to date by freshclam instead.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SIGNATURES = Path(__file__).resolve().parent / "clamav"
CANDIDATES = ("/usr/sbin/clamd", "/usr/bin/clamd")


def executable() -> str | None:
    found = shutil.which("clamd")
    if found:
        return found
    return next((path for path in CANDIDATES if Path(path).exists()), None)


@dataclass
class LocalClamd:
    folder: Path
    process: subprocess.Popen[bytes]

    @property
    def socket_path(self) -> str:
        return str(self.folder / "clamd.sock")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def configure(folder: Path, *, max_bytes: int) -> Path:
    """Write clamd.conf and the signature database into ``folder``; return the conf."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "db"
    database.mkdir(exist_ok=True)
    for signature_file in SIGNATURES.glob("*.ndb"):
        shutil.copy(signature_file, database / signature_file.name)
    # clamd refuses a stream above StreamMaxLength: keep it above our own limit so
    # that our limit decides (with its own message), and clamd never truncates.
    stream_max = max_bytes + 1024 * 1024
    conf = folder / "clamd.conf"
    conf.write_text(
        "\n".join(
            [
                f"LocalSocket {folder / 'clamd.sock'}",
                f"DatabaseDirectory {database}",
                f"TemporaryDirectory {folder}",
                f"LogFile {folder / 'clamd.log'}",
                f"PidFile {folder / 'clamd.pid'}",
                "Foreground yes",
                f"StreamMaxLength {stream_max}",
                f"MaxFileSize {stream_max}",
                f"MaxScanSize {stream_max * 4}",
                "SelfCheck 3600",
                "",
            ]
        )
    )
    return conf


def start(folder: Path, *, max_bytes: int = 25 * 1024 * 1024, wait: float = 60.0) -> LocalClamd:
    """Start clamd and wait until it answers PING; RuntimeError if it cannot."""
    binary = executable()
    if binary is None:
        raise RuntimeError("clamd is not installed (Debian: apt-get install clamav-daemon)")
    conf = configure(folder, max_bytes=max_bytes)
    sock = folder / "clamd.sock"
    if sock.exists():
        sock.unlink()
    with (folder / "clamd.out").open("wb") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(  # noqa: S603 (clamd found on PATH, our own config file)
            [binary, "--config-file", str(conf)], stdout=log, stderr=subprocess.STDOUT
        )
    local = LocalClamd(folder=folder, process=process)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = (folder / "clamd.out").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"clamd exited with status {process.returncode}: {output}")
        if sock.exists() and ping(str(sock)):
            return local
        time.sleep(0.1)
    local.stop()
    raise RuntimeError(f"clamd did not answer within {wait:.0f} s")


def ping(socket_path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(2)
            connection.connect(socket_path)
            connection.sendall(b"zPING\0")
            return connection.recv(16).startswith(b"PONG")
    except OSError:
        return False
