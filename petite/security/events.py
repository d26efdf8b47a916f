"""The security app's audit events."""

from __future__ import annotations

from petite.core.audit import Events


class Event(Events):
    SIGN_IN_ALERTED = "security.sign_in_alerted"
    SIGN_IN_DISOWNED = "security.sign_in_disowned"
    MALWARE_REFUSED = "security.malware_refused"
    FILE_QUARANTINED = "security.file_quarantined"
    LOCKOUT_WAVE = "security.lockout_wave"
    INCIDENT_OPENED = "security.incident_opened"
    INCIDENT_UPDATED = "security.incident_updated"
    AUTHORITY_NOTIFIED = "security.authority_notified"
    AUTHORITY_NOT_NOTIFIED = "security.authority_not_notified"
    DEADLINE_WARNING = "security.deadline_warning"
    MEMBERS_ADDED = "security.affected_members_added"
    NOTICES_PLANNED = "security.notices_planned"
