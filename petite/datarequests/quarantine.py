"""Where inbound mail the desk cannot read waits for staff, byte for byte.

A message with no usable sender, or one that made the desk fail, is never
dropped: its raw bytes are written here, readable by the platform's user only,
and the daily digest counts what waits. Staff read the file, then feed it back
with ``manage.py receive_data_request_email < FILE`` (or enter the request in
the back-office) and delete it.

The folder is ``settings.PETITE_DATA_REQUEST_QUARANTINE_DIR`` when set, else
``var/quarantine/data-requests``.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from petite.core import malware

SUFFIX = ".eml"


def directory() -> Path:
    configured = getattr(settings, "PETITE_DATA_REQUEST_QUARANTINE_DIR", None)
    if configured:
        return Path(configured)
    base = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var"))
    return base / "quarantine" / "data-requests"


def keep(raw: bytes, *, reason: str) -> Path:
    """Write ``raw`` to the quarantine and return its path; the reason goes in a
    companion file so that staff know what to look for.

    The bytes are scanned for malware first (P8): ActionRefused
    ``malware.infected`` when clamd finds something (nothing is written: staff
    would open it), ``malware.unavailable`` when clamd cannot say (the caller
    asks the sender's server to deliver again later).
    """
    malware.scan_upload(raw, source="datarequests.quarantine", name="message.eml")
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = f"{timezone.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}"
    path = folder / f"{stem}{SUFFIX}"
    # O_EXCL: never overwrite; 0o600: personal data, for the platform's user only.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(raw)
        file.flush()
        os.fsync(file.fileno())
    reason_path = folder / f"{stem}.reason.txt"
    descriptor = os.open(reason_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(reason + "\n")
    return path


def count() -> int:
    folder = directory()
    if not folder.is_dir():
        return 0
    return sum(1 for _ in folder.glob(f"*{SUFFIX}"))
