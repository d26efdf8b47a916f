"""Every write of the members' rights app: their identity (U1) and the archives of their data (U3).

An export is built by a background task (:func:`build_export`) into
``settings.PETITE_EXPORT_DIR``, outside the web root: first into a ``.part``
file, renamed into place only when complete, so a half-written archive is never
served. Each run claims the export with a fresh ``run_token`` and every later
write of that run is conditional on still holding it: re-running the task after
a worker died starts the archive again from scratch, and a run that was only
slow notices at its next progress write that it has been superseded, and stops.
"""

from __future__ import annotations

import logging
import os
import secrets
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from petite.core import audit, disk
from petite.core.errors import ActionRefused
from petite.privacy import export as export_engine

from .models import DataExport

logger = logging.getLogger(__name__)

# A running build writes its progress at least once per chunk of rows (a fraction
# of a second); one silent for this long has lost its worker.
STALLED_AFTER = timedelta(minutes=15)
# Files in the export folder that no export claims are removed after this long
# (a worker that died between writing an archive and recording it).
ORPHAN_AFTER = timedelta(days=1)
PART_SUFFIX = ".part"


class ExportTooSoon(ActionRefused):
    """The member asked for a new export less than
    ``settings.PETITE_EXPORT_MEMBER_INTERVAL_HOURS`` after their last one."""

    def __init__(self, next_possible_at: datetime) -> None:
        super().__init__(
            f"The next export is possible from {next_possible_at.isoformat()}.",
            code="rights.export_too_soon",
            status=429,
        )
        self.next_possible_at = next_possible_at


class _Superseded(Exception):
    """Another run of the same export has claimed it: this one stops."""


# --- Identity (U1) -----------------------------------------------------------------------


def update_identity(*, member: Any, first_name: str, last_name: str, language: str) -> list[str]:
    """Set the member's first and last name and the language of our e-mails to them.

    Returns the names of the fields that changed; the audit record keeps those
    names, never the values.
    """
    values = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "language": language,
    }
    if language not in {"", *(code for code, _name in settings.LANGUAGES)}:
        raise ValueError(f"Unknown language code {language!r}.")
    if not values["first_name"] or not values["last_name"]:
        raise ValueError("A member keeps a first and a last name.")
    with transaction.atomic():
        changed = [name for name, value in values.items() if getattr(member, name) != value]
        if not changed:
            return []
        for name in changed:
            setattr(member, name, values[name])
        member.full_clean(exclude=[f.name for f in member._meta.fields if f.name not in changed])
        member.save(update_fields=changed)
        audit.record("rights.identity.changed", actor=member, target=member, fields=changed)
    return changed


# --- Exports (U3) ------------------------------------------------------------------------


def next_member_export_at(member: Any, *, now: datetime | None = None) -> datetime | None:
    """When the member may ask for another export themselves; None when they may now.

    A failed export does not count: the member did nothing wrong and may try again.
    """
    interval = timedelta(hours=settings.PETITE_EXPORT_MEMBER_INTERVAL_HOURS)
    last = (
        DataExport.objects.filter(member=member, requested_by_staff__isnull=True)
        .exclude(status=DataExport.Status.FAILED)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is None:
        return None
    allowed_at = last + interval
    return allowed_at if allowed_at > (now or timezone.now()) else None


def start_export(*, member: Any, requested_by_staff: Any = None) -> DataExport:
    """Ask for a complete export of ``member``'s data, built in the background.

    A member may ask once per ``PETITE_EXPORT_MEMBER_INTERVAL_HOURS`` (else
    :class:`ExportTooSoon`); exports started by staff for a data request are never
    limited. Either way the member is e-mailed a link to the export's page when it
    is ready, and downloads it from there, signed in: the archive never travels by
    e-mail, and no one else (staff included) can download it.
    """
    from . import tasks

    with transaction.atomic():
        if requested_by_staff is None:
            # Two clicks at once must not make two archives: the member's row is the lock.
            list(
                get_user_model()
                ._default_manager.select_for_update()
                .filter(pk=member.pk)
                .values_list("pk", flat=True)
            )
            next_at = next_member_export_at(member)
            if next_at is not None:
                raise ExportTooSoon(next_at)
        export = DataExport.objects.create(member=member, requested_by_staff=requested_by_staff)
        audit.record(
            "rights.export.requested",
            actor=requested_by_staff or member,
            target=export,
            by_staff=requested_by_staff is not None,
        )
        export_id = str(export.pk)
        transaction.on_commit(lambda: tasks.build_export.enqueue(export_id))
    return export


def export_dir() -> Path:
    return Path(settings.PETITE_EXPORT_DIR)


def archive_path(export: DataExport) -> Path | None:
    """The archive's file, only if it is a plain name inside the export folder."""
    name = export.archive.name or ""
    if not name or name != os.path.basename(name) or name.startswith("."):
        return None
    return export_dir() / name


def _remove(path: Path | None) -> None:
    if path is None:
        return
    for candidate in (path, path.with_name(path.name + PART_SUFFIX)):
        candidate.unlink(missing_ok=True)


def build_export(*, export_id: str | uuid.UUID) -> DataExport | None:
    """Build the archive of one export (the task's body); safe to run again.

    Returns the export, or None when it does not exist or another run took it over.
    An export already ready or expired is left as it is.
    """
    token = uuid.uuid4()
    directory = export_dir()
    disk.private_directory(directory)
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .select_related("member")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status in (DataExport.Status.READY, DataExport.Status.EXPIRED):
            return export
        stale = archive_path(export)
        export.status = DataExport.Status.RUNNING
        export.run_token = token
        export.archive.name = secrets.token_urlsafe(24) + ".zip"
        export.progress_done = export.progress_total = 0
        export.error = ""
        export.heartbeat_at = timezone.now()
        export.save(
            update_fields=[
                "status",
                "run_token",
                "archive",
                "progress_done",
                "progress_total",
                "error",
                "heartbeat_at",
            ]
        )
        audit.record("rights.export.started", target=export, restarted=stale is not None)
    # What a dead run left behind goes before anything new is written.
    _remove(stale)
    final = archive_path(export)
    assert final is not None
    partial = final.with_name(final.name + PART_SUFFIX)

    def progress(done: int, total: int) -> None:
        # Its own small write, outside any transaction: the progress page sees it at once.
        claimed = DataExport.objects.filter(pk=export.pk, run_token=token).update(
            progress_done=done, progress_total=total, heartbeat_at=timezone.now()
        )
        if not claimed:
            raise _Superseded

    member = export.member
    try:
        # Created 0600: the archive is the member's whole data.
        with disk.private_file(partial, "w+b") as written:
            summary = export_engine.write_archive(
                member,
                written,
                language=member.language or settings.LANGUAGE_CODE,
                progress=progress,
                workdir=str(directory),
            )
            # On disk before it takes its final name: a crash never leaves a truncated archive.
            written.flush()
            os.fsync(written.fileno())
        os.replace(partial, final)
    except _Superseded:
        partial.unlink(missing_ok=True)
        return None
    except Exception as error:
        _remove(final)
        _fail(export, token, error)
        raise
    return _finish(export, token, final, summary)


def _fail(export: DataExport, token: uuid.UUID, error: Exception) -> None:
    # The reason names the kind of error only: its message could quote personal data.
    reason = type(error).__name__
    with transaction.atomic():
        failed = DataExport.objects.filter(pk=export.pk, run_token=token).update(
            status=DataExport.Status.FAILED,
            error=reason,
            archive="",
            finished_at=timezone.now(),
        )
        if failed:
            audit.record("rights.export.failed", target=export, error=reason)
    logger.error("Data export %s failed: %s", export.pk, reason)


def _finish(
    export: DataExport, token: uuid.UUID, final: Path, summary: export_engine.Summary
) -> DataExport | None:
    now = timezone.now()
    with transaction.atomic():
        ready = DataExport.objects.filter(pk=export.pk, run_token=token).update(
            status=DataExport.Status.READY,
            file_size=final.stat().st_size,
            finished_at=now,
            expires_at=now + timedelta(days=settings.PETITE_EXPORT_EXPIRY_DAYS),
            heartbeat_at=now,
        )
        if not ready:
            _remove(final)
            return None
        audit.record(
            "rights.export.ready",
            target=export,
            rows=summary.rows,
            files=summary.files,
            missing_files=summary.missing_files,
        )
        from . import tasks

        export_id = str(export.pk)
        transaction.on_commit(lambda: tasks.send_export_ready.enqueue(export_id))
    export.refresh_from_db()
    return export


def record_download(*, export: DataExport) -> None:
    """Note that the member took their archive: a copy of everything is worth an audit line."""
    with transaction.atomic():
        audit.record("rights.export.downloaded", actor=export.member, target=export)


def expire_exports(*, now: datetime | None = None) -> int:
    """Delete the archives whose link has expired, and mark them so; returns how many.

    Each export is its own small transaction: the file goes first, so a crash in
    between leaves an export marked ready whose file is gone, which the next run
    (and the download page) treat as expired.
    """
    now = now or timezone.now()
    expired = 0
    # Listed first: on SQLite, updating the rows of a query still being read is unsafe.
    due = list(
        DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now).only(
            "pk", "archive"
        )
    )
    for export in due:
        _remove(archive_path(export))
        with transaction.atomic():
            expired += DataExport.objects.filter(
                pk=export.pk, status=DataExport.Status.READY
            ).update(status=DataExport.Status.EXPIRED, archive="")
    if expired:
        with transaction.atomic():
            audit.record("rights.export.expired", count=expired)
    return expired


def remove_orphan_files(*, now: datetime | None = None) -> int:
    """Delete archives in the export folder that no live export claims (a worker died
    between writing one and recording it). Recent files are left alone: a run may
    have just claimed its name."""
    directory = export_dir()
    if not directory.is_dir():
        return 0
    cutoff = ((now or timezone.now()) - ORPHAN_AFTER).timestamp()
    live = DataExport.objects.filter(
        status__in=[DataExport.Status.RUNNING, DataExport.Status.READY]
    ).values_list("archive", flat=True)
    claimed = {name for name in live if name}
    claimed |= {name + PART_SUFFIX for name in claimed}
    removed = 0
    with os.scandir(directory) as entries:
        for entry in entries:
            if not entry.is_file() or not entry.name.endswith((".zip", ".zip" + PART_SUFFIX)):
                continue
            if entry.name in claimed or entry.stat().st_mtime > cutoff:
                continue
            Path(entry.path).unlink(missing_ok=True)
            removed += 1
    return removed


def restart_stalled_exports(*, now: datetime | None = None) -> int:
    """Enqueue again the builds whose worker died (no progress for a while)."""
    from . import tasks

    limit = (now or timezone.now()) - STALLED_AFTER
    stalled = [
        str(pk)
        for pk in DataExport.objects.filter(
            status=DataExport.Status.RUNNING, heartbeat_at__lt=limit
        ).values_list("pk", flat=True)
    ]
    for export_id in stalled:
        tasks.build_export.enqueue(export_id)
    return len(stalled)
