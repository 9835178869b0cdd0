"""Bank holidays of England and Wales, and working days counted with them.

The calendar comes from the maintained `holidays` package (pinned in pyproject.toml):
`holidays.country_holidays("GB", subdiv="ENG")` gives the holidays of the Banking and
Financial Dealings Act 1971 with their substitute days, and the one-off and moved dates of
royal proclamations (2011 royal wedding, 2012 and 2022 jubilees and moves, 2020 VE Day,
2022 state funeral, 2023 coronation, and the pre-2011 ones). Its maintainers add a new
proclamation in a release, so keeping the pin current keeps the calendar current; a
hand-written calendar needed someone to notice each proclamation (domain review 2026-12).

Local settings are laid on top (conf.LocalRules), so a force can act before a release:
`extra` adds dates (or renames ones the package has: a date already there is harmless),
`moved` removes dates (a proclamation that moved a holiday away, or a date the force does
not observe).

No Django import: plain functions over dates, tested against known years.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.easter import EASTER_WESTERN, easter

SATURDAY = 5
# England: its bank holidays are those of Wales too (the 1971 Act's Schedule 1, para 1).
_COUNTRY, _SUBDIVISION = "GB", "ENG"
# The package marks a substitute day "(observed)"; GOV.UK and the proclamations say
# "substitute day", the term users know.
_OBSERVED, _SUBSTITUTE = "(observed)", "(substitute day)"


def easter_sunday(year: int) -> date:
    """Easter Sunday (Gregorian): the computation the `holidays` package itself uses."""
    day: date = easter(year, EASTER_WESTERN)
    return day


def is_weekend(day: date) -> bool:
    return day.weekday() >= SATURDAY


@lru_cache(maxsize=256)
def _published_holidays(year: int) -> tuple[tuple[date, str], ...]:
    calendar = holidays.country_holidays(
        _COUNTRY, subdiv=_SUBDIVISION, years=year, language="en_GB")
    # The package also lists the day itself when Christmas or New Year falls at a weekend
    # (beside its weekday substitute). A bank holiday is the substitute only; the weekend
    # day is not a working day anyway.
    return tuple(sorted(
        (day, name.replace(_OBSERVED, _SUBSTITUTE))
        for day, name in calendar.items()
        if not is_weekend(day)
    ))


def bank_holidays(
    year: int,
    extra: Mapping[date, str] | None = None,
    moved: Iterable[date] = (),
) -> dict[date, str]:
    """The bank holidays of England and Wales in `year`: date -> name.

    `extra`: dates the force adds (date -> name; its name wins over the package's);
    `moved`: dates the force removes (a holiday moved away by a proclamation the package
    does not have yet; the new date goes in `extra`).
    """
    removed = set(moved)
    days = {day: name for day, name in _published_holidays(year) if day not in removed}
    for day, name in (extra or {}).items():
        if day.year == year:
            days[day] = name
    return dict(sorted(days.items()))


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
