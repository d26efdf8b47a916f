"""Declarations for third-party models that the core integrates."""

from django.utils.translation import gettext_lazy as _

from petite.privacy import areas, categories
from petite.privacy.declarations import Erasure, Personal


class LogEntryPrivacy:
    """The Django admin's own history of staff edits."""

    area = areas.RECORDS
    label = _("Back-office history")
    description = _("Changes our team made in the back-office, if you are a member of the team.")

    subject = "user"
    timestamp = "action_time"
    fields = {
        "user": Personal(categories.ACTIVITY_RECORDS, ["P8"], Erasure.DELETE),
        "action_time": Personal(categories.ACTIVITY_RECORDS, ["P8"], Erasure.DELETE),
    }
    technical = ["id", "content_type", "object_id", "object_repr", "action_flag", "change_message"]
