"""Audit event names of the advertising app."""

from petite.core.audit import Events


class Event(Events):
    INTEREST_REMOVED = "ads.interest_removed"
    INTEREST_ADDED = "ads.interest_added"
    ADVERTISER_BLOCKED = "ads.advertiser_blocked"
    ADVERTISER_UNBLOCKED = "ads.advertiser_unblocked"
    PROFILE_DELETED = "ads.profile_deleted"
    INTEREST_CATEGORY_SAVED = "ads.interest_category_saved"
    REPORT_HANDED_OVER = "ads.report_handed_over"
    INVENTORY_SAVED = "ads.inventory_saved"
    INVENTORY_DELETED = "ads.inventory_deleted"
