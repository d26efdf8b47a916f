"""What the platform detected: infected uploads, stored files found infected by a
rescan, and waves of lockouts from one network (credential stuffing)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone

from petite.accounts.models import Member
from petite.core import audit, malware
from petite.core.deferred import follow_up
from petite.privacy import categories

from .. import risk
from ..events import Event
from ..models import Incident, SecurityEvent
from .incidents import open_incident

tell_staff_of_quarantine = follow_up("petite.security.tasks.tell_staff_of_quarantine")


def _threshold(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@transaction.atomic
def record_malware_detection(detection: malware.Detection) -> SecurityEvent:
    """An infected upload was refused. Repeated attempts by one member (or from one
    network) within a day open an incident."""
    member = detection.uploader if isinstance(detection.uploader, Member) else None
    network = risk.network_of(detection.ip) if detection.ip else ""
    event = SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.MALWARE_UPLOAD,
        member=member,
        source=detection.source[:100],
        signature=detection.signature[:200],
        network=network,
    )
    audit.record(Event.MALWARE_REFUSED, actor=member, target=event, source=detection.source)
    since = timezone.now() - timedelta(days=1)
    same = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.MALWARE_UPLOAD, at__gte=since)
    if member is not None:
        same = same.filter(member=member)
    elif network:
        same = same.filter(network=network)
    else:
        return event
    if same.count() >= _threshold("PETITE_MALWARE_INCIDENT_ATTEMPTS", 3):
        open_already = same.filter(incident__isnull=False).values("incident").first()
        if open_already:
            incident = Incident.objects.get(pk=open_already["incident"])
        else:
            incident = open_incident(
                title="Repeated infected uploads refused",
                source=Incident.Source.MALWARE,
                integrity=True,
                network=network,
            )
        same.filter(incident__isnull=True).update(incident=incident)
        event.refresh_from_db()
    return event


@transaction.atomic
def record_stored_file_detection(
    *, stored: models.Model, result: malware.ScanResult, label: str
) -> Incident:
    """A rescan found a stored file infected: quarantine it (no view serves it any
    more), open an incident, and tell staff."""
    model = type(stored)
    model._default_manager.filter(pk=stored.pk).update(
        quarantined_at=timezone.now(),
        detection=result.signature[:200],
        scan_signature_version=result.signature_version[:100],
        scanned_at=result.scanned_at,
    )
    event = SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.MALWARE_STORED, source=label[:100], signature=result.signature[:200]
    )
    incident = open_incident(
        title=f"Stored file found infected by a rescan ({label})",
        source=Incident.Source.MALWARE,
        integrity=True,
        categories=[],
    )
    SecurityEvent.objects.filter(pk=event.pk).update(incident=incident)
    audit.record(Event.FILE_QUARANTINED, target=stored, signature=result.signature, source=label)
    tell_staff_of_quarantine.after_commit(event_id=event.pk)
    return incident


@transaction.atomic
def record_lockout(*, ip: str, username: str) -> Incident | None:
    """A lockout (axes). Lockouts of many accounts from one network within an hour
    look like credential stuffing: open an incident, once a day per network."""
    network = risk.network_of(ip)
    if not network:
        return None
    key = "security:lockouts:" + hashlib.sha256(network.encode()).hexdigest()[:32]
    # Keyed hashes of the usernames only: the cache never holds an address.
    names: list[str] = cache.get(key) or []
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{username.lower()}".encode()).hexdigest()[:16]
    if digest not in names:
        names.append(digest)
        cache.set(key, names, timeout=3600)
    if len(names) < _threshold("PETITE_STUFFING_ACCOUNTS", 5):
        return None
    recent = Incident.objects.filter(
        source=Incident.Source.CREDENTIAL_STUFFING,
        network=network,
        aware_at__gte=timezone.now() - timedelta(days=1),
    ).first()
    if recent is not None:
        return None
    event = SecurityEvent.objects.create(kind=SecurityEvent.Kind.LOCKOUTS, network=network)
    incident = open_incident(
        title=f"Lockouts on {len(names)} accounts from one network",
        source=Incident.Source.CREDENTIAL_STUFFING,
        confidentiality=True,
        categories=[categories.CREDENTIALS.key],
        approx_members=len(names),
        network=network,
    )
    SecurityEvent.objects.filter(pk=event.pk).update(incident=incident)
    audit.record(Event.LOCKOUT_WAVE, target=incident, accounts=len(names))
    return incident
