"""Background work of the security app: alerts, staff messages, the 72-hour
warnings, the Art. 34 notices, and the rescan of stored files when clamd's
signatures change."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.apps import apps
from django.tasks import task
from django.utils import timezone

from petite.core import bulkmail, malware, schedule

from . import actions, notifications
from .models import Incident, IncidentNotice, SecurityEvent, SignInAlert

logger = logging.getLogger(__name__)


@task
def send_sign_in_alert(alert_id: int) -> None:
    alert = SignInAlert.objects.select_related("member").filter(pk=alert_id).first()
    if alert is not None and alert.member.email:
        notifications.sign_in_alert(alert).send()


@task
def tell_staff_of_incident(incident_id: int) -> None:
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is not None:
        notifications.new_incident(incident).send()


@task
def tell_staff_of_quarantine(event_id: int) -> None:
    event = SecurityEvent.objects.select_related("incident").filter(pk=event_id).first()
    if event is not None:
        notifications.quarantined(event).send()


@schedule.every(timedelta(minutes=15))
@task
def warn_of_incident_deadlines() -> int:
    """The 24, 48 and 66-hour warnings to the privacy team (one digest per run)."""
    warnings = actions.record_deadline_warnings()
    if warnings:
        notifications.deadline_warnings(warnings).send()
    return len(warnings)


@task
def send_incident_notices(incident_id: int) -> int:
    progress = bulkmail.send_due(
        IncidentNotice.objects.filter(incident_id=incident_id),
        build=notifications.incident_notice,
    )
    if progress.due:
        send_incident_notices.enqueue(incident_id)
    return progress.sent


@schedule.every(timedelta(minutes=5))
@task
def resume_incident_notices() -> int:
    """Sendings left behind by a restart (a worker killed mid-batch) go on."""
    waiting = (
        IncidentNotice.objects.filter(bulkmail.due_filter(timezone.now()))
        .values_list("incident_id", flat=True)
        .distinct()
    )
    incident_ids = sorted(set(waiting))
    for incident_id in incident_ids:
        send_incident_notices.enqueue(incident_id)
    return len(incident_ids)


@schedule.every(timedelta(hours=1))
@task
def rescan_stored_files() -> int:
    """Scan again every stored upload scanned with older signatures than clamd's
    current ones; quarantine what is now detected. Returns the files scanned."""
    try:
        current = malware.signature_version(malware.Clamd.from_settings().version())
    except malware.ScannerUnavailable as error:
        logger.error("Rescan skipped, the malware scanner is unavailable: %s", error)
        return 0
    scanned = 0
    for label, field_name in malware.registered_stores().items():
        model = apps.get_model(label)
        stale = model._default_manager.filter(quarantined_at__isnull=True).exclude(
            scan_signature_version=current
        )
        for stored in stale.iterator():
            file = getattr(stored, field_name)
            if not file:
                continue
            try:
                with file.open("rb") as handle:
                    result = malware.scan(handle)
            except FileNotFoundError:
                continue
            except malware.ScannerUnavailable as error:
                logger.error("Rescan stopped, the malware scanner is unavailable: %s", error)
                return scanned
            scanned += 1
            if result.clean:
                model._default_manager.filter(pk=stored.pk).update(
                    scan_signature_version=result.signature_version[:100],
                    scanned_at=result.scanned_at,
                )
            else:
                actions.record_stored_file_detection(stored=stored, result=result, label=label)
    return scanned
