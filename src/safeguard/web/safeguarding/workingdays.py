"""Bank holidays of England and Wales, and working days counted with them.

The recurring holidays follow the rules of the Banking and Financial Dealings Act 1971
and the royal proclamations that fix them each year:

- New Year's Day (1 January), or the Monday after when it falls at a weekend;
- Good Friday and Easter Monday (Easter Sunday by the Gregorian computus);
- the early May bank holiday (first Monday in May);
- the spring bank holiday (last Monday in May);
- the summer bank holiday (last Monday in August);
- Christmas Day and Boxing Day, each moved to the next weekday not already a holiday
  when it falls at a weekend (substitute days).

One-off holidays (a coronation, a jubilee, a state funeral) and recurring holidays moved
by proclamation (the spring holiday of 2022 moved to 2 June) are local configuration:
`extra` adds dates, `moved` removes the date a rule would give (conf.LocalRules).

No Django import: the rules are plain functions over dates, tested against known years.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import lru_cache

SATURDAY = 5


def easter_sunday(year: int) -> date:
    """Easter Sunday (Gregorian), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def is_weekend(day: date) -> bool:
    return day.weekday() >= SATURDAY


def _place(holidays: dict[date, str], day: date, name: str) -> None:
    """Add a fixed-date holiday; at a weekend, the next weekday not yet a holiday."""
    if not is_weekend(day):
        holidays[day] = name
        return
    substitute = day
    while is_weekend(substitute) or substitute in holidays:
        substitute += timedelta(days=1)
    holidays[substitute] = f"{name} (substitute day)"


@lru_cache(maxsize=256)
def _rule_holidays(year: int) -> tuple[tuple[date, str], ...]:
    holidays: dict[date, str] = {}
    _place(holidays, date(year, 1, 1), "New Year's Day")
    easter = easter_sunday(year)
    holidays[easter - timedelta(days=2)] = "Good Friday"
    holidays[easter + timedelta(days=1)] = "Easter Monday"
    holidays[_first_monday(year, 5)] = "Early May bank holiday"
    holidays[_last_monday(year, 5)] = "Spring bank holiday"
    holidays[_last_monday(year, 8)] = "Summer bank holiday"
    # Weekday ones first, so that a weekend Christmas's substitute skips a weekday
    # Boxing Day (2016: Boxing Day Monday 26th, Christmas substitute Tuesday 27th).
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    for day, name in sorted(
        ((christmas, "Christmas Day"), (boxing, "Boxing Day")),
        key=lambda pair: (is_weekend(pair[0]), pair[0]),
    ):
        _place(holidays, day, name)
    return tuple(sorted(holidays.items()))


def bank_holidays(
    year: int,
    extra: Mapping[date, str] | None = None,
    moved: Iterable[date] = (),
) -> dict[date, str]:
    """The bank holidays of England and Wales in `year`: date -> name.

    `extra`: one-off holidays (date -> name); `moved`: rule dates that a proclamation
    moved elsewhere (the new date goes in `extra`).
    """
    removed = set(moved)
    holidays = {day: name for day, name in _rule_holidays(year) if day not in removed}
    for day, name in (extra or {}).items():
        if day.year == year:
            holidays[day] = name
    return dict(sorted(holidays.items()))


class WorkingCalendar:
    """Working days: Monday to Friday, not a bank holiday of England and Wales."""

    def __init__(self, extra: Mapping[date, str] | None = None, moved: Iterable[date] = ()):
        self.extra = dict(extra or {})
        self.moved = frozenset(moved)
        self._years: dict[int, frozenset[date]] = {}

    def holidays(self, year: int) -> dict[date, str]:
        return bank_holidays(year, self.extra, self.moved)

    def is_holiday(self, day: date) -> bool:
        days = self._years.get(day.year)
        if days is None:
            days = self._years[day.year] = frozenset(self.holidays(day.year))
        return day in days

    def is_working_day(self, day: date) -> bool:
        return not is_weekend(day) and not self.is_holiday(day)

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (`start` itself does not count).

        A referral received on a Friday is decided within 1 working day: by the Monday,
        or the Tuesday when that Monday is a bank holiday.
        """
        if days < 1:
            raise ValueError("count at least one working day")
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
