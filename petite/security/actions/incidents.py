"""The register of security incidents (Art. 33(5)): opening, facts, the authority's
notification, the 72-hour warnings, and the Art. 34 notices to affected members."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core import audit, bulkmail
from petite.core.deferred import follow_up
from petite.core.errors import ActionRefused
from petite.privacy.categories import CATEGORIES

from ..events import Event
from ..models import AffectedMember, AuthorityNotification, Incident

tell_staff = follow_up("petite.security.tasks.tell_staff_of_incident")
send_notices = follow_up("petite.security.tasks.send_incident_notices")

WARNING_HOURS = (24, 48, 66)
EDITABLE = {
    "title", "aware_at", "confidentiality", "integrity", "availability", "categories",
    "approx_members", "approx_records", "consequences", "measures_taken", "measures_proposed",
    "advice", "data_processing_context", "ease_of_identification", "circumstances", "closed_at",
}  # fmt: skip


def _known_categories(keys: Iterable[str]) -> list[str]:
    keys = list(dict.fromkeys(keys))
    unknown = [key for key in keys if key not in CATEGORIES]
    if unknown:
        raise ActionRefused(
            _("Unknown categories of data: %(keys)s.") % {"keys": ", ".join(unknown)},
            code="security.unknown_category",
        )
    return keys


@transaction.atomic
def open_incident(
    *,
    title: str,
    source: str,
    actor: Member | None = None,
    reported_by: Member | None = None,
    aware_at: datetime | None = None,
    confidentiality: bool = False,
    integrity: bool = False,
    availability: bool = False,
    categories: Iterable[str] = (),
    approx_members: int | None = None,
    network: str = "",
    affected: Mapping[Member, Iterable[str]] | None = None,
) -> Incident:
    incident = Incident.objects.create(
        # A unique placeholder that fits the column, until the row has its number.
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        title=title[:200],
        source=source,
        reported_by=reported_by,
        aware_at=aware_at or timezone.now(),
        confidentiality=confidentiality,
        integrity=integrity,
        availability=availability,
        categories=_known_categories(categories),
        approx_members=approx_members,
        network=network,
    )
    incident.reference = f"INC-{incident.aware_at:%Y}-{incident.pk:04d}"
    incident.save(update_fields=["reference"])
    if affected:
        _add_affected(incident, affected)
    audit.record(Event.INCIDENT_OPENED, actor=actor, target=incident, source=source)
    tell_staff.after_commit(incident_id=incident.pk)
    return incident


@transaction.atomic
def update_incident(*, incident: Incident, actor: Member, **changes: Any) -> Incident:
    """Change the register's facts; only the fields named are touched."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ActionRefused(_("These facts cannot be changed here."), code="security.not_editable")
    if "categories" in changes:
        changes["categories"] = _known_categories(changes["categories"])
    if (
        "data_processing_context" in changes
        and not 1 <= int(changes["data_processing_context"]) <= 4
    ):
        raise ActionRefused(_("The data processing context is scored from 1 to 4."))
    if "ease_of_identification" in changes and not (
        0.25 <= float(changes["ease_of_identification"]) <= 1
    ):
        raise ActionRefused(_("The ease of identification is scored from 0.25 to 1."))
    if "circumstances" in changes and not 0 <= float(changes["circumstances"]) <= 2:
        raise ActionRefused(_("The circumstances of the breach add from 0 to 2."))
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(changes))
    audit.record(Event.INCIDENT_UPDATED, actor=actor, target=locked, fields=sorted(changes))
    return locked


@transaction.atomic
def record_authority_notification(
    *,
    incident: Incident,
    actor: Member,
    phase: str,
    content: str,
    reference: str = "",
    sent_at: datetime | None = None,
) -> AuthorityNotification:
    if not content.strip():
        raise ActionRefused(_("Say what was sent to the authority."), code="security.empty")
    if phase not in AuthorityNotification.Phase.values:
        raise ActionRefused(_("Unknown phase."), code="security.phase")
    notification = AuthorityNotification.objects.create(
        incident=incident,
        phase=phase,
        content=content,
        reference=reference[:100],
        sent_at=sent_at or timezone.now(),
    )
    Incident.objects.filter(pk=incident.pk).update(
        authority=Incident.Authority.NOTIFIED, not_notified_reason=""
    )
    audit.record(Event.AUTHORITY_NOTIFIED, actor=actor, target=incident, phase=phase)
    return notification


@transaction.atomic
def decide_not_to_notify(*, incident: Incident, actor: Member, reason: str) -> Incident:
    """Art. 33(1): a breach unlikely to result in a risk is not notified; say why."""
    if not reason.strip():
        raise ActionRefused(
            _("Say why the authority is not notified."), code="security.reason_required"
        )
    if incident.notifications.exists():
        raise ActionRefused(_("The authority has already been notified."), code="security.notified")
    Incident.objects.filter(pk=incident.pk).update(
        authority=Incident.Authority.NOT_NOTIFIED, not_notified_reason=reason
    )
    audit.record(Event.AUTHORITY_NOT_NOTIFIED, actor=actor, target=incident)
    incident.refresh_from_db()
    return incident


def hours_since_aware(incident: Incident, now: datetime) -> float:
    return (now - incident.aware_at) / timedelta(hours=1)


@transaction.atomic
def record_deadline_warnings(*, now: datetime | None = None) -> list[tuple[Incident, int]]:
    """The 24, 48 and 66-hour warnings now due, each recorded once; the caller mails them."""
    now = now or timezone.now()
    due: list[tuple[Incident, int]] = []
    waiting = Incident.objects.select_for_update().filter(
        authority=Incident.Authority.UNDECIDED,
        closed_at__isnull=True,
        aware_at__lte=now - timedelta(hours=WARNING_HOURS[0]),
    )
    for incident in waiting:
        passed = [h for h in WARNING_HOURS if hours_since_aware(incident, now) >= h]
        new = [h for h in passed if h not in incident.warnings_sent]
        if not new:
            continue
        incident.warnings_sent = sorted({*incident.warnings_sent, *new})
        incident.save(update_fields=["warnings_sent"])
        # One warning per run: the latest threshold passed says how late it is.
        due.append((incident, max(new)))
        audit.record(Event.DEADLINE_WARNING, target=incident, hours=max(new))
    return due


def _add_affected(incident: Incident, affected: Mapping[Member, Iterable[str]]) -> int:
    added = 0
    for member, keys in affected.items():
        _row, created = AffectedMember.objects.update_or_create(
            incident=incident, member=member, defaults={"categories": _known_categories(keys)}
        )
        added += int(created)
    return added


@transaction.atomic
def add_affected_members(
    *, incident: Incident, actor: Member, affected: Mapping[Member, Iterable[str]]
) -> int:
    added = _add_affected(incident, affected)
    count = incident.affected.count()
    if incident.approx_members is None or incident.approx_members < count:
        Incident.objects.filter(pk=incident.pk).update(approx_members=count)
    audit.record(Event.MEMBERS_ADDED, actor=actor, target=incident, added=added)
    return added


@transaction.atomic
def plan_member_notices(*, incident: Incident, actor: Member) -> int:
    """Art. 34: one notice per affected member through the exactly-once bulk mail."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.members_must_be_told:
        raise ActionRefused(
            _(
                "The assessed severity is below high: Art. 34 does not require telling "
                "members. Review the severity first."
            ),
            code="security.severity_too_low",
        )
    members = Member.objects.filter(pk__in=incident.affected.values("member"), is_active=True)
    planned = bulkmail.plan(incident.notices.all(), members=members, incident=incident)
    if incident.notices_planned_at is None:
        incident.notices_planned_at = timezone.now()
        incident.save(update_fields=["notices_planned_at"])
    audit.record(Event.NOTICES_PLANNED, actor=actor, target=incident, planned=planned)
    send_notices.after_commit(incident_id=incident.pk)
    return planned
