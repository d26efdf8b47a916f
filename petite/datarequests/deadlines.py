"""Legal deadlines of data requests (U6, GDPR Art. 12(3)).

A request is answered "within one month of receipt", extendable "by two further
months". Periods in months are counted as Regulation (EEC, Euratom) No 1182/71
says (Art. 3(2)(c)): the period ends on the same date in the last month, or on
the last day of that month when it has no such date (31 January -> 28 or 29
February), at the end of that day. Dates are those of the platform's time zone
(settings.TIME_ZONE, Europe/Paris), where the requester and the team live.

We do not apply Art. 3(4), which moves a deadline falling on a weekend or public
holiday to the next working day: our deadline is never later than the legal one,
and the team sees it without a calendar of French public holidays.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

RESPONSE_MONTHS = 1
EXTENSION_MONTHS = 2


def platform_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def add_months(day: date, months: int) -> date:
    """The same date ``months`` later, or the last day of that month if it has none."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in the platform's time zone."""
    return datetime.combine(day, time.max, tzinfo=platform_zone())


def local_date(moment: datetime) -> date:
    return moment.astimezone(platform_zone()).date()


def due_date(received_at: datetime) -> datetime:
    """When a request received at ``received_at`` must be answered: one month later."""
    return end_of_day(add_months(local_date(received_at), RESPONSE_MONTHS))


def extended_due_date(due_at: datetime) -> datetime:
    """The deadline after the one extension: two further months from the original one."""
    return end_of_day(add_months(local_date(due_at), EXTENSION_MONTHS))
