"""The deadline is one calendar month from receipt: the same day number next month, or the last
day of next month when it has no such day; an extension adds at most two further months."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from earlyhelp.subject_access.dates import add_months, due_date, latest_extended_due_date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 1, 30), date(2026, 2, 28)),
        (date(2026, 1, 15), date(2026, 2, 15)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 8, 31), date(2026, 9, 30)),
        (date(2026, 2, 28), date(2026, 3, 28)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 12, 5), date(2027, 1, 5)),
    ],
)
def test_one_calendar_month(received, due):
    assert due_date(received) == due


def test_an_extension_reaches_at_most_three_months_from_receipt():
    assert latest_extended_due_date(date(2026, 1, 31)) == date(2026, 4, 30)
    assert latest_extended_due_date(date(2026, 11, 30)) == date(2027, 2, 28)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_due_date_is_in_the_next_month_and_never_past_the_day_number(received):
    due = add_months(received, 1)
    assert (due.year * 12 + due.month) - (received.year * 12 + received.month) == 1
    assert due.day <= received.day
    assert due > received
