"""Declarations for third-party models that the core integrates."""

from petite.privacy import categories
from petite.privacy.declarations import Erasure, Personal


class LogEntryPrivacy:
    """The Django admin's own history of staff edits."""

    subject = "user"
    timestamp = "action_time"
    fields = {
        "user": Personal(categories.ACTIVITY_RECORDS, ["P8"], Erasure.DELETE),
        "action_time": Personal(categories.ACTIVITY_RECORDS, ["P8"], Erasure.DELETE),
    }
    technical = ["id", "content_type", "object_id", "object_repr", "action_flag", "change_message"]
