"""Where inbound mail the desk cannot read waits for staff, byte for byte.

A message with no usable sender, or one that made the desk fail, is never
dropped: its raw bytes are written here, readable by the platform's user only,
and the daily digest counts what waits. Staff read the file, then feed it back
with ``manage.py receive_data_request_email < FILE`` (or enter the request in
the back-office) and delete it.

The folder is ``settings.PETITE_DATA_REQUEST_QUARANTINE_DIR`` when set, else
``var/quarantine/data-requests``. It is a file store declared to the privacy core
(see ``apps.py``): searched by the erasure scan, purged after
``PETITE_DATA_REQUEST_QUARANTINE_RETENTION_DAYS`` (30 by default), exported to
and erased with the member whose address sent a message, and published.
"""

from __future__ import annotations

import os
import uuid
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
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


def storage() -> Storage:
    """The quarantine as a storage, for the privacy core's file-store engines."""
    return FileSystemStorage(location=directory())


def sender(path: Path) -> str:
    """The address a quarantined message says it is from ("" when it has none)."""
    try:
        with path.open("rb") as file:
            headers = BytesParser(policy=policy.default).parse(file, headersonly=True)
        return parseaddr(str(headers.get("From", "")))[1].lower()
    except (OSError, ValueError, TypeError):
        return ""


def messages_from(member: Any) -> list[str]:
    """Names (in the quarantine) of the messages sent from the member's address, with
    their reasons: whose a message is, when it can be known."""
    email = str(getattr(member, "email", "") or "").lower()
    folder = directory()
    if not email or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        if sender(path) == email:
            found.append(path.name)
            reason = path.with_name(path.name.removesuffix(SUFFIX) + ".reason.txt")
            if reason.is_file():
                found.append(reason.name)
    return found
