"""The working-day calendar for England: when timescales fall due, and how much time is left.

Early help timescales are counted in *working* time: a front-door decision is due within one
working day, a contact's RAG rating gives it 4, 24 or 72 working hours, and an assessment is due
ten working days after it starts. Weekends, England and Wales bank holidays (from the `holidays`
package) and any extra days the council closes are not working days; on a working day only the
time between the council's opening and closing (09:00-17:00 by default) counts.

How time is measured: working time is read off the *local wall clock* in the calendar's time
zone, so every working day is exactly ``day_ends - day_starts`` long, whatever the UTC offset.
Input datetimes may be in any time zone (they are converted first); results are in the
calendar's time zone. In Europe/London the clocks change at 01:00 UTC on a Sunday, which is never
inside working hours, so wall-clock working time is also exactly the real time elapsed.

Why the arithmetic looks the way it does: these functions run for every row of queues of
hundreds of records, so nothing loops per hour or per day over long spans. Weekdays are counted
with a closed formula on date ordinals and closures are counted by bisecting a short sorted tuple
per year, so a span of any length costs O(years), and ``add_working_days`` converges in a handful
of such counts.

This module is pure: it does not need Django set up, except ``calendar_for_council`` which reads
the council's configured hours.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays

if TYPE_CHECKING:
    from earlyhelp.core.models import CouncilConfiguration

__all__ = ["LONDON", "WorkingCalendar", "bank_holidays", "calendar_for_council"]

LONDON = ZoneInfo("Europe/London")
_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in ``year``, including substitute ("observed") days.

    Comes from ``holidays`` (subdivision ENG), which also carries the one-off days such as the
    2022 state funeral and the 2023 coronation, and the moved May Day of 2020. The package only
    knows 1872-2100; outside that range there are no bank holidays, just weekends. Cached per
    year because every calendar built for every request shares it.
    """
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def _weekdays_up_to(d: date) -> int:
    """Number of Monday-Friday dates from 0001-01-01 (a Monday) to ``d`` inclusive."""
    weeks, extra = divmod(d.toordinal(), 7)
    return weeks * 5 + min(extra, 5)


def _as_offset(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


class WorkingCalendar:
    """Working days and working hours for an English council.

    ``day_starts``/``day_ends`` are local wall-clock times (naive ``time``) with
    ``day_starts < day_ends``: the office does not work through midnight. ``extra_closures`` are
    further dates the council is shut (for example a closure day between Christmas and New
    Year); weekend dates among them change nothing.
    """

    def __init__(
        self,
        day_starts: time = time(9, 0),
        day_ends: time = time(17, 0),
        tz: ZoneInfo = LONDON,
        extra_closures: Iterable[date] = (),
    ) -> None:
        if day_starts.tzinfo is not None or day_ends.tzinfo is not None:
            raise ValueError("day_starts and day_ends are local wall-clock times; pass naive times")
        if not day_starts < day_ends:
            raise ValueError(f"The working day must start before it ends ({day_starts}-{day_ends})")
        self.day_starts = day_starts
        self.day_ends = day_ends
        self.tz = tz
        self._start_offset = _as_offset(day_starts)
        self._end_offset = _as_offset(day_ends)
        self.day_length: timedelta = self._end_offset - self._start_offset
        extra: dict[int, set[date]] = {}
        for d in extra_closures:
            if isinstance(d, datetime):
                raise TypeError(f"extra_closures must be dates, not datetimes ({d!r})")
            if d.weekday() < 5:
                extra.setdefault(d.year, set()).add(d)
        self._extra = {year: frozenset(days) for year, days in extra.items()}
        self._closures: dict[int, tuple[date, ...]] = {}

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar({self.day_starts:%H:%M}-{self.day_ends:%H:%M}, {self.tz.key}, "
            f"{sum(len(days) for days in self._extra.values())} extra closures)"
        )

    # -- days ---------------------------------------------------------------------------------

    def _closed_weekdays(self, year: int) -> tuple[date, ...]:
        """Sorted Monday-Friday dates in ``year`` that are not working days."""
        closed = self._closures.get(year)
        if closed is None:
            days = bank_holidays(year) | self._extra.get(year, frozenset())
            closed = tuple(sorted(d for d in days if d.weekday() < 5))
            self._closures[year] = closed
        return closed

    def is_working_day(self, d: date) -> bool:
        """True for a Monday-Friday that is neither a bank holiday nor an extra closure."""
        return d.weekday() < 5 and d not in self._closed_weekdays(d.year)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def working_day_on_or_after(self, d: date) -> date:
        """``d`` itself if it is a working day, otherwise the next one."""
        return d if self.is_working_day(d) else self.next_working_day(d)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in ``(a, b]``: after ``a``, up to and including ``b``.

        This is the count that makes "due N working days after ``a``" line up:
        ``working_days_between(a, add_working_days(a, n)) == n``. Negative when ``b < a``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        closed = 0
        for year in range(a.year, b.year + 1):
            days = self._closed_weekdays(year)
            closed += bisect_right(days, b) - bisect_right(days, a)
        return _weekdays_up_to(b) - _weekdays_up_to(a) - closed

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (``d`` itself never counts).

        Starting on Monday 2 November 2026, 10 working days later is Monday 16 November. A start
        on a non-working day counts from the next working day, so Saturday + 1 is Monday (as is
        Friday + 1). ``n == 0`` returns ``d`` if it is a working day, otherwise the next working
        day, so the result is always a working day. ``n`` must not be negative.
        """
        if n < 0:
            raise ValueError(f"n must be zero or more, not {n}")
        if n == 0:
            return self.working_day_on_or_after(d)
        # Start from the n-th weekday after d (never later than the answer), then step on by
        # however many working days the closures in between took away, until none are missing.
        result = self._add_weekdays(d, n)
        while (missing := n - self.working_days_between(d, result)) > 0:
            result = self._add_weekdays(result, missing)
        return result

    @staticmethod
    def _add_weekdays(d: date, n: int) -> date:
        """The ``n``-th Monday-Friday after ``d`` (``n >= 1``)."""
        if d.weekday() >= 5:  # the weekdays after a weekend day are those after its Friday
            d -= timedelta(days=d.weekday() - 4)
        weeks, rest = divmod(n, 5)
        d += timedelta(weeks=weeks)
        for _ in range(rest):
            d += timedelta(days=3 if d.weekday() == 4 else 1)
        return d

    # -- hours --------------------------------------------------------------------------------

    def opens_at(self, d: date) -> datetime:
        """The instant the office opens on ``d`` (whether or not ``d`` is a working day)."""
        return datetime.combine(d, self.day_starts, tzinfo=self.tz)

    def closes_at(self, d: date) -> datetime:
        """The instant the office closes on ``d``: "by the end of the working day"."""
        return datetime.combine(d, self.day_ends, tzinfo=self.tz)

    def _local(self, instant: datetime) -> datetime:
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError(f"An aware datetime is needed, not the naive {instant!r}")
        return instant.astimezone(self.tz)

    def _position(self, local: datetime) -> timedelta:
        """Working time already elapsed on ``local``'s own date (0 to ``day_length``)."""
        if not self.is_working_day(local.date()):
            return _ZERO
        wall = _as_offset(local.time())
        return min(max(wall - self._start_offset, _ZERO), self.day_length)

    def is_working_time(self, instant: datetime) -> bool:
        """True from opening (inclusive) to closing (exclusive) on a working day."""
        local = self._local(instant)
        return (
            self.is_working_day(local.date())
            and self._start_offset <= _as_offset(local.time()) < self._end_offset
        )

    def working_hours_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end``; only time inside working hours counts.

        Antisymmetric: when ``end`` is before ``start`` the answer is the negative of the
        working time from ``end`` to ``start``, so "time left" goes negative once a target is
        breached, and the measure is additive over any three instants.
        """
        s, e = self._local(start), self._local(end)
        # Working time on the days in [s's date, e's date), less what s's day had already used,
        # plus what e's day has used so far.
        full_days = self.working_days_between(s.date() - _ONE_DAY, e.date() - _ONE_DAY)
        return full_days * self.day_length - self._position(s) + self._position(e)

    def add_working_hours(self, start: datetime, hours: float | timedelta) -> datetime:
        """The deadline: the instant when ``hours`` of working time have passed since ``start``.

        A start outside working hours begins counting at the next opening. A deadline that
        falls exactly at a closing is that closing (17:00), not the next day's opening. The
        result is aware in the calendar's time zone and always lies within working hours
        (opening to closing inclusive) on a working day; with ``hours == 0`` it is the instant
        counting begins. ``hours`` must not be negative.
        """
        amount = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
        if amount < _ZERO:
            raise ValueError(f"hours must be zero or more, not {hours}")
        local = self._local(start)
        day = local.date()
        wall = _as_offset(local.time())
        if self.is_working_day(day) and wall < self._end_offset:
            elapsed = max(wall - self._start_offset, _ZERO)
        else:
            day, elapsed = self.next_working_day(day), _ZERO
        target = elapsed + amount
        if target == _ZERO:
            return self.opens_at(day)
        # The deadline is on the i-th working day from `day`, where i * L < target <= (i+1) * L.
        days_on = -(-target // self.day_length) - 1
        due_day = self.add_working_days(day, days_on) if days_on else day
        wall_due = self._start_offset + target - days_on * self.day_length
        # Aware + timedelta is wall-clock arithmetic in Python, which is what we want here.
        return datetime.combine(due_day, time(0), tzinfo=self.tz) + wall_due

    def time_left(self, due: datetime, now: datetime) -> timedelta:
        """Working time from ``now`` until ``due``; negative once ``due`` has passed."""
        return self.working_hours_between(now, due)


def calendar_for_council(config: CouncilConfiguration | None = None) -> WorkingCalendar:
    """The calendar with the council's configured working hours (``CouncilConfiguration``).

    Pass ``config`` when you already hold it, to save a query. Building a calendar is cheap (the
    bank holidays are cached per year across calendars), but build one per request or per
    queue, not per row.
    """
    if config is None:
        from earlyhelp.core.models import CouncilConfiguration

        config = CouncilConfiguration.current()
    return WorkingCalendar(day_starts=config.working_day_starts, day_ends=config.working_day_ends)
