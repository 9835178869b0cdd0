"""Periods of whole local days, and the period before each.

A period that is a run of whole calendar months (the 1st to a month's last day) is
compared with the same number of months just before it (a quarter with the quarter
before); any other period with the same number of days just before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from ..core import formats

MAX_DAYS = 366 * 5
EARLIEST = date(2000, 1, 1)


class PeriodError(ValueError):
    """A period that cannot be reported: the message says why, for a person."""


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError("The period ends before it starts.")
        if self.start < EARLIEST:
            raise PeriodError(f"The period starts before {formats.day(EARLIEST)}.")
        if self.days > MAX_DAYS:
            raise PeriodError("A period is at most five years.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole_months(self) -> int:
        """The number of calendar months, when the period is whole months; else 0."""
        if self.start.day != 1 or self.end != _month_end(self.end):
            return 0
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> Period:
        months = self.whole_months
        if months:
            start = _months_before(self.start, months)
            return Period(start, self.start - timedelta(days=1))
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    @property
    def first_moment(self) -> datetime:
        """Midnight at the start, local time (aware)."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def after(self) -> datetime:
        """Midnight after the last day, local time: moments are first_moment <= t < after."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def label(self) -> str:
        if self.start.year == self.end.year:
            if self.start.month == self.end.month and self.whole_months == 1:
                return f"{self.start:%B %Y}"
            return f"{self.start.day} {self.start:%B} to {self.end.day} {self.end:%B %Y}"
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"


def last_quarter(today: date) -> Period:
    """The last complete calendar quarter before `today`."""
    first_of_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    start = _months_before(first_of_quarter, 3)
    return Period(start, first_of_quarter - timedelta(days=1))


def parse(start: str, end: str) -> Period:
    try:
        return Period(date.fromisoformat(start.strip()), date.fromisoformat(end.strip()))
    except ValueError as exc:
        if isinstance(exc, PeriodError):
            raise
        raise PeriodError("Give the dates as YYYY-MM-DD.") from None
