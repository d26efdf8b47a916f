"""Run Debian's clamd for the embedded platform (``make run``), until stopped.

It listens on ``PETITE_CLAMD_SOCKET`` (default ``var/clamd/clamd.sock``) with the
project's own signatures, as the tests do: no download is needed, so the
demonstration works offline. In production, point ``PETITE_CLAMD_SOCKET`` or
``PETITE_CLAMD_HOST`` at a clamd kept up to date by freshclam instead.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from petite.core import clamd_local, malware


class Command(BaseCommand):
    help = "Run clamd (ClamAV) on the platform's socket with the project's signatures."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PETITE_CLAMD_HOST:
            raise CommandError("PETITE_CLAMD_HOST is set: the platform uses that clamd.")
        socket_path = Path(settings.PETITE_CLAMD_SOCKET)
        try:
            daemon = clamd_local.start(socket_path.parent, max_bytes=malware.max_bytes())
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        if daemon.socket_path != str(socket_path):
            daemon.stop()
            raise CommandError("PETITE_CLAMD_SOCKET must be named clamd.sock")
        self.stdout.write(f"clamd is listening on {daemon.socket_path}")

        def stop(signum: int, frame: Any) -> None:
            daemon.stop()
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        daemon.process.wait()
        raise CommandError(f"clamd stopped (status {daemon.process.returncode})")
