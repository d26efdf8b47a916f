"""Every write of the security app (P8), by topic; import from here."""

from __future__ import annotations

from .detections import record_lockout, record_malware_detection, record_stored_file_detection
from .incidents import (
    add_affected_members,
    decide_not_to_notify,
    open_incident,
    plan_member_notices,
    record_authority_notification,
    record_deadline_warnings,
    update_incident,
)
from .signins import disown_sign_in, record_second_factor_failure, record_sign_in

__all__ = [
    "add_affected_members",
    "decide_not_to_notify",
    "disown_sign_in",
    "open_incident",
    "plan_member_notices",
    "record_authority_notification",
    "record_deadline_warnings",
    "record_lockout",
    "record_malware_detection",
    "record_second_factor_failure",
    "record_sign_in",
    "record_stored_file_detection",
    "update_incident",
]
