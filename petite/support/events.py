"""Audit event names of the help desk."""

from petite.core.audit import Events


class Event(Events):
    REQUEST_OPENED = "support.request_opened"
    REQUESTER_REPLIED = "support.requester_replied"
    STAFF_REPLIED = "support.staff_replied"
    NOTE_ADDED = "support.note_added"
    ASSIGNED = "support.assigned"
    STATUS_CHANGED = "support.status_changed"
    RATED = "support.rated"
    REPLY_REFUSED = "support.reply_refused"
