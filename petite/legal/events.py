"""Audit event names of authority requests, legal holds and transfers."""

from petite.core.audit import Events


class Event(Events):
    REQUEST_RECORDED = "legal.request_recorded"
    ART48_CHECKED = "legal.third_country_order_checked"
    REQUEST_DECIDED = "legal.request_decided"
    DISCLOSURE_PRODUCED = "legal.disclosure_produced"
    DISCLOSURE_DOWNLOADED = "legal.disclosure_downloaded"
    DISCLOSURE_DOWNLOAD_REFUSED = "legal.disclosure_download_refused"
    GAG_EXTENDED = "legal.gag_extended"
    GAG_LIFTED = "legal.gag_lifted"
    GAG_LAPSED = "legal.gag_lapsed"
    GAG_REMINDER_SENT = "legal.gag_reminder_sent"
    HOLD_PLACED = "legal.hold_placed"
    HOLD_LIFTED = "legal.hold_lifted"
    TRANSFER_RECORDED = "legal.transfer_recorded"
    TRANSFER_NOTICES_STARTED = "legal.transfer_notices_started"
    TRANSFER_OBJECTED = "legal.transfer_objected"
    TRANSFER_EXECUTION_REFUSED = "legal.transfer_execution_refused"
    TRANSFER_EXECUTED = "legal.transfer_executed"
