"""The accounts app's audit event names."""

from petite.core.audit import Events


class Event(Events):
    NOT_ME_REPORTED = "accounts.not_me_reported"
