"""The legal deadline of a request: one month, counted as Regulation 1182/71 says (U6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from petite.datarequests import deadlines

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=PARIS)


@pytest.mark.clause("U6")
@pytest.mark.parametrize(
    ("received", "due"),
    [
        (paris(2026, 1, 31), date(2026, 2, 28)),
        (paris(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (paris(2026, 3, 15), date(2026, 4, 15)),
        (paris(2026, 3, 31), date(2026, 4, 30)),
        (paris(2026, 12, 31), date(2027, 1, 31)),
        (paris(2026, 1, 30), date(2026, 2, 28)),
    ],
)
def test_a_request_is_due_one_month_later_or_on_the_last_day_of_a_shorter_month(received, due):
    deadline = deadlines.due_date(received)

    assert deadline.astimezone(PARIS).date() == due


@pytest.mark.clause("U6")
def test_the_deadline_is_the_end_of_the_day_in_paris():
    deadline = deadlines.due_date(paris(2026, 3, 15))

    local = deadline.astimezone(PARIS)
    assert (local.date(), local.time()) == (date(2026, 4, 15), time.max)


@pytest.mark.clause("U6")
def test_the_day_of_receipt_is_the_day_in_paris_not_in_utc():
    # 23:30 UTC on 31 January is already 1 February in Paris.
    received = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)

    assert deadlines.due_date(received).astimezone(PARIS).date() == date(2026, 3, 1)


@pytest.mark.clause("U6")
@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 12, 31),
        timezones=st.just(UTC),
    )
)
def test_a_deadline_is_always_28_to_31_days_after_receipt_and_never_before(received):
    deadline = deadlines.due_date(received)

    days = (deadline.astimezone(PARIS).date() - received.astimezone(PARIS).date()).days
    assert 28 <= days <= 31
    assert deadline > received
    # At most 31 days, to the end of the day, plus the hour the clocks go back.
    assert deadline - received < timedelta(days=32, hours=1)


@pytest.mark.clause("U6")
@pytest.mark.parametrize(
    ("due", "extended"),
    [
        (date(2026, 2, 28), date(2026, 4, 28)),  # from the original deadline
        (date(2026, 12, 31), date(2027, 2, 28)),
        (date(2027, 12, 29), date(2028, 2, 29)),
    ],
)
def test_an_extension_adds_two_months_to_the_original_deadline(due, extended):
    new = deadlines.extended_due_date(deadlines.end_of_day(due))

    assert new.astimezone(PARIS).date() == extended
