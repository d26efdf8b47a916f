"""Audit event names of the privacy core."""

from petite.core.audit import Events


class Event(Events):
    PROVIDER_ADDED = "privacy.provider_added"
    PROVIDER_CHANGED = "privacy.provider_changed"
    PROVIDER_AGENT_SET = "privacy.provider_agent_set"
    PROVIDER_AGENT_REMOVED = "privacy.provider_agent_removed"
    FIELD_REVEALED = "privacy.field_revealed"
    MEMBER_ERASED = "privacy.member_erased"
    ERASURE_HELD = "privacy.erasure_held"
    RETENTION_PURGE = "privacy.retention_purge"
