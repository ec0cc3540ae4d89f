"""The working-day calendar: worked examples, then properties that must always hold."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from earlyhelp.core.calendar import LONDON, WorkingCalendar, bank_holidays, calendar_for_council

CAL = WorkingCalendar()
LONG_DAY = WorkingCalendar(day_starts=time(8, 30), day_ends=time(17, 30))
H = timedelta(hours=1)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """An instant on the London wall clock."""
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


# -- bank holidays and working days -----------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day falls on a Saturday: substitute Monday
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 12, 27),  # both Christmas substitutes
        date(2027, 12, 28),
        date(2022, 9, 19),  # state funeral: a one-off bank holiday
        date(2023, 5, 8),  # coronation
        date(2020, 5, 8),  # May Day moved for VE Day
    ],
)
def test_bank_holidays_are_not_working_days(day: date) -> None:
    assert day in bank_holidays(day.year)
    assert not CAL.is_working_day(day)


def test_ordinary_days() -> None:
    assert CAL.is_working_day(date(2026, 11, 2))  # a Monday
    assert not CAL.is_working_day(date(2026, 11, 7))  # Saturday
    assert not CAL.is_working_day(date(2026, 11, 8))  # Sunday
    assert CAL.is_working_day(date(2026, 5, 4) - timedelta(days=3))  # Friday before May Day
    assert CAL.is_working_day(date(2020, 5, 4))  # the Monday May Day was moved away from


def test_extra_closures() -> None:
    closed = WorkingCalendar(extra_closures=[date(2026, 12, 29), date(2026, 12, 27)])
    assert not closed.is_working_day(date(2026, 12, 29))
    assert closed.next_working_day(date(2026, 12, 24)) == date(2026, 12, 30)
    assert CAL.next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)
    with pytest.raises(TypeError):
        WorkingCalendar(extra_closures=[datetime(2026, 12, 29, tzinfo=UTC)])


def test_add_working_days_examples() -> None:
    assert CAL.add_working_days(date(2026, 11, 2), 10) == date(2026, 11, 16)
    assert CAL.working_days_between(date(2026, 11, 2), date(2026, 11, 16)) == 10
    # Across Christmas 2026: 25th (Fri), 28th (substitute Boxing Day), 1 January are closed.
    assert CAL.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert CAL.add_working_days(date(2026, 12, 21), 10) == date(2027, 1, 7)
    assert CAL.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4
    # Starting on a non-working day counts from the next working day.
    assert CAL.add_working_days(date(2026, 11, 7), 1) == date(2026, 11, 9)
    assert CAL.add_working_days(date(2026, 11, 6), 1) == date(2026, 11, 9)
    assert CAL.add_working_days(date(2026, 11, 7), 0) == date(2026, 11, 9)
    assert CAL.add_working_days(date(2026, 11, 6), 0) == date(2026, 11, 6)
    assert CAL.working_days_between(date(2026, 11, 16), date(2026, 11, 2)) == -10
    with pytest.raises(ValueError, match="zero or more"):
        CAL.add_working_days(date(2026, 11, 2), -1)


# -- working hours: worked examples -----------------------------------------------------------


def test_red_rating_over_a_weekend() -> None:
    assert CAL.add_working_hours(at(2026, 11, 6, 16), 4) == at(2026, 11, 9, 12)


def test_red_rating_over_a_bank_holiday_weekend() -> None:
    # Friday 28 August 2026, then Monday 31 August is the late summer bank holiday.
    assert CAL.add_working_hours(at(2026, 8, 28, 16), 4) == at(2026, 9, 1, 12)


def test_amber_rating_over_a_bank_holiday_weekend() -> None:
    # 1h on Friday, Tuesday 8h, Wednesday 8h, then 7h into Thursday.
    due = CAL.add_working_hours(at(2026, 8, 28, 16), 24)
    assert due == at(2026, 9, 3, 16)
    # Without the bank holiday the same rating falls due on Wednesday.
    assert CAL.add_working_hours(at(2026, 9, 4, 16), 24) == at(2026, 9, 9, 16)


def test_green_rating_across_christmas() -> None:
    due = CAL.add_working_hours(at(2026, 12, 23, 10), 72)
    # 23rd 7h, 24th 8h, 29th-31st 24h, 4th-7th Jan 32h = 71h, then 1h into Friday 8th.
    assert due == at(2027, 1, 8, 10)


def test_start_before_opening_counts_from_opening() -> None:
    assert CAL.add_working_hours(at(2026, 11, 3, 7), 4) == at(2026, 11, 3, 13)
    assert CAL.working_hours_between(at(2026, 11, 3, 7), at(2026, 11, 3, 10)) == H


def test_start_after_closing_counts_from_next_opening() -> None:
    assert CAL.add_working_hours(at(2026, 11, 3, 18), 4) == at(2026, 11, 4, 13)
    assert CAL.working_hours_between(at(2026, 11, 3, 18), at(2026, 11, 4, 10)) == H


def test_deadline_exactly_at_closing_is_the_closing() -> None:
    assert CAL.add_working_hours(at(2026, 11, 3, 9), 8) == at(2026, 11, 3, 17)
    assert CAL.add_working_hours(at(2026, 11, 3, 9), 16) == at(2026, 11, 4, 17)
    assert CAL.add_working_hours(at(2026, 11, 6, 13), 4) == at(2026, 11, 6, 17)


def test_zero_hours_is_when_counting_begins() -> None:
    assert CAL.add_working_hours(at(2026, 11, 3, 11), 0) == at(2026, 11, 3, 11)
    assert CAL.add_working_hours(at(2026, 11, 3, 7), 0) == at(2026, 11, 3, 9)
    assert CAL.add_working_hours(at(2026, 11, 3, 17), 0) == at(2026, 11, 4, 9)
    assert CAL.add_working_hours(at(2026, 11, 7, 12), 0) == at(2026, 11, 9, 9)


def test_clocks_going_forward() -> None:
    # BST starts Sunday 29 March 2026; Friday 16:00 GMT + 4h is Monday 12:00 BST.
    due = CAL.add_working_hours(at(2026, 3, 27, 16), 4)
    assert due == at(2026, 3, 30, 12)
    assert due.utcoffset() == H
    assert due.astimezone(UTC).hour == 11
    assert CAL.working_hours_between(at(2026, 3, 27, 0), at(2026, 4, 1, 0)) == 24 * H
    # A UTC instant is read on the London clock: 08:30 UTC on that Monday is 09:30 BST.
    monday_utc = datetime(2026, 3, 30, 8, 30, tzinfo=UTC)
    assert CAL.working_hours_between(monday_utc, at(2026, 3, 30, 10)) == H / 2


def test_clocks_going_back() -> None:
    # GMT returns Sunday 25 October 2026.
    due = CAL.add_working_hours(at(2026, 10, 23, 16), 4)
    assert due == at(2026, 10, 26, 12)
    assert due.utcoffset() == timedelta(0)
    assert CAL.working_hours_between(at(2026, 10, 23, 0), at(2026, 10, 28, 0)) == 24 * H


def test_time_left_goes_negative_when_overdue() -> None:
    due = at(2026, 11, 9, 12)
    assert CAL.time_left(due, at(2026, 11, 6, 16)) == 4 * H
    assert CAL.time_left(due, at(2026, 11, 7, 16)) == 3 * H  # nothing passes at the weekend
    assert CAL.time_left(due, due) == timedelta(0)
    assert CAL.time_left(due, at(2026, 11, 10, 10)) == -6 * H  # Monday 12-17, Tuesday 9-10


def test_input_in_another_time_zone() -> None:
    new_york = ZoneInfo("America/New_York")
    start = datetime(2026, 11, 6, 11, tzinfo=new_york)  # 16:00 in London
    due = CAL.add_working_hours(start, timedelta(hours=4))
    assert due == at(2026, 11, 9, 12)
    assert due.tzinfo is LONDON


def test_configured_hours() -> None:
    assert LONG_DAY.day_length == 9 * H
    assert LONG_DAY.add_working_hours(at(2026, 11, 6, 16), 4) == at(2026, 11, 9, 11)
    assert LONG_DAY.working_hours_between(at(2026, 11, 2), at(2026, 11, 9)) == 45 * H


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="start before it ends"):
        WorkingCalendar(day_starts=time(17), day_ends=time(9))
    with pytest.raises(ValueError, match="naive times"):
        WorkingCalendar(day_starts=time(9, tzinfo=UTC))
    with pytest.raises(ValueError, match="aware"):
        CAL.working_hours_between(datetime(2026, 11, 2, 9), at(2026, 11, 2, 10))
    with pytest.raises(ValueError, match="zero or more"):
        CAL.add_working_hours(at(2026, 11, 2, 10), -1)


def test_is_working_time() -> None:
    assert CAL.is_working_time(at(2026, 11, 2, 9))
    assert CAL.is_working_time(at(2026, 11, 2, 16, 59))
    assert not CAL.is_working_time(at(2026, 11, 2, 17))
    assert not CAL.is_working_time(at(2026, 8, 31, 12))


@pytest.mark.django_db
def test_calendar_for_council_uses_configured_hours() -> None:
    from earlyhelp.core.models import CouncilConfiguration

    config = CouncilConfiguration.current()
    config.working_day_starts = time(8, 30)
    config.working_day_ends = time(16, 30)
    config.save()
    cal = calendar_for_council()
    assert (cal.day_starts, cal.day_ends) == (time(8, 30), time(16, 30))
    assert calendar_for_council(config).day_length == 8 * H


# -- properties -------------------------------------------------------------------------------

ZONES = st.sampled_from([UTC, LONDON, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")])
CALENDARS = st.sampled_from([CAL, LONG_DAY])


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    """Real instants in 2025-2028, shown in assorted time zones (some on the minute/hour)."""
    utc = draw(
        st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31))
    ).replace(tzinfo=UTC)
    rounding = draw(st.sampled_from([None, "minute", "hour"]))
    if rounding == "minute":
        utc = utc.replace(second=0, microsecond=0)
    elif rounding == "hour":
        utc = utc.replace(minute=0, second=0, microsecond=0)
    return utc.astimezone(draw(ZONES))


dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))
amounts = st.one_of(
    st.integers(min_value=0, max_value=200).map(lambda h: timedelta(hours=h)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400)),
)
fast = settings(max_examples=150, deadline=None)


@fast
@given(CALENDARS, instants(), amounts)
def test_adding_then_measuring_gives_the_amount_back(
    cal: WorkingCalendar, start: datetime, amount: timedelta
) -> None:
    due = cal.add_working_hours(start, amount)
    assert cal.working_hours_between(start, due) == amount
    assert cal.time_left(due, start) == amount
    assert due >= start
    assert due.tzinfo is cal.tz


@fast
@given(CALENDARS, instants(), amounts)
def test_deadline_is_inside_working_hours_on_a_working_day(
    cal: WorkingCalendar, start: datetime, amount: timedelta
) -> None:
    due = cal.add_working_hours(start, amount)
    assert cal.is_working_day(due.date())
    assert cal.opens_at(due.date()) <= due <= cal.closes_at(due.date())


@fast
@given(CALENDARS, instants(), amounts)
def test_deadline_is_the_earliest_such_instant(
    cal: WorkingCalendar, start: datetime, amount: timedelta
) -> None:
    assume(amount > timedelta(0))
    due = cal.add_working_hours(start, amount)
    just_before = due - timedelta(microseconds=1)
    assert cal.working_hours_between(start, just_before) < amount


@fast
@given(CALENDARS, instants(), instants(), instants())
def test_working_hours_are_additive(
    cal: WorkingCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    between = cal.working_hours_between
    assert between(a, b) + between(b, c) == between(a, c)
    assert between(a, b) == -between(b, a)


@fast
@given(CALENDARS, instants(), instants())
def test_working_hours_are_monotonic_and_bounded(
    cal: WorkingCalendar, a: datetime, b: datetime
) -> None:
    a, b = sorted([a, b])  # aware datetimes in different zones compare as instants
    measured = cal.working_hours_between(a, b)
    assert timedelta(0) <= measured <= b - a + H  # +1h: a clock change inside the span
    later = b + timedelta(hours=3)
    assert cal.working_hours_between(a, later) >= measured


@fast
@given(CALENDARS, dates, st.integers(min_value=0, max_value=300))
def test_add_working_days_lands_on_a_working_day_n_days_on(
    cal: WorkingCalendar, start: date, n: int
) -> None:
    due = cal.add_working_days(start, n)
    assert cal.is_working_day(due)
    assert due >= start
    if n > 0 or cal.is_working_day(start):
        assert cal.working_days_between(start, due) == n
    # It is the first such day: the working day before it is still short of n.
    if n > 0:
        assert cal.working_days_between(start, due - timedelta(days=1)) == n - 1


@fast
@given(dates, dates)
def test_working_days_between_matches_counting_one_by_one(a: date, b: date) -> None:
    lo, hi = sorted([a, b])
    hi = min(hi, lo + timedelta(days=120))
    one_by_one = sum(
        CAL.is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1)
    )
    assert CAL.working_days_between(lo, hi) == one_by_one
    assert CAL.working_days_between(hi, lo) == -one_by_one


@fast
@given(CALENDARS, dates)
def test_a_week_is_five_working_days_less_closures(cal: WorkingCalendar, day: date) -> None:
    monday = day - timedelta(days=day.weekday())
    week = [monday + timedelta(days=i) for i in range(7)]
    open_days = sum(cal.is_working_day(d) for d in week)
    measured = cal.working_hours_between(
        datetime.combine(monday, time(0), tzinfo=LONDON),
        datetime.combine(monday + timedelta(days=7), time(0), tzinfo=LONDON),
    )
    assert measured == open_days * cal.day_length
    if not any(d in bank_holidays(d.year) for d in week):
        assert open_days == 5
        assert measured == 5 * cal.day_length  # 40h for 09:00-17:00, 45h for 08:30-17:30


@fast
@given(instants())
def test_configured_hours_bound_the_deadline(start: datetime) -> None:
    due = LONG_DAY.add_working_hours(start, 5)
    local = due.astimezone(LONDON).time()
    assert time(8, 30) <= local <= time(17, 30)
    assert LONG_DAY.working_hours_between(start, due) == 5 * H
