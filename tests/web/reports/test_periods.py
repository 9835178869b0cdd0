"""Periods and the period before each."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.web.statistics.periods import Period, PeriodError, last_quarter, parse


def test_a_quarter_is_compared_with_the_quarter_before() -> None:
    q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
    assert q1.whole_months == 3
    assert q1.previous() == Period(date(2025, 10, 1), date(2025, 12, 31))
    # 92 days against 90: months, not days.
    assert Period(date(2026, 4, 1), date(2026, 6, 30)).previous() == q1


def test_a_month_with_the_month_before() -> None:
    march = Period(date(2024, 3, 1), date(2024, 3, 31))
    assert march.previous() == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert march.label() == "March 2024"
    january = Period(date(2026, 1, 1), date(2026, 1, 31))
    assert january.previous() == Period(date(2025, 12, 1), date(2025, 12, 31))


def test_other_periods_by_days() -> None:
    fortnight = Period(date(2026, 3, 2), date(2026, 3, 15))
    assert fortnight.days == 14
    assert fortnight.previous() == Period(date(2026, 2, 16), date(2026, 3, 1))
    assert fortnight.whole_months == 0


def test_local_midnights_bound_the_moments() -> None:
    summer = Period(date(2026, 7, 1), date(2026, 7, 31))
    assert summer.first_moment.isoformat() == "2026-07-01T00:00:00+01:00"
    assert summer.after.isoformat() == "2026-08-01T00:00:00+01:00"


def test_the_last_complete_quarter() -> None:
    assert last_quarter(date(2026, 3, 3)) == Period(date(2025, 10, 1), date(2025, 12, 31))
    assert last_quarter(date(2026, 4, 1)) == Period(date(2026, 1, 1), date(2026, 3, 31))


def test_bad_periods_say_why() -> None:
    with pytest.raises(PeriodError, match="ends before"):
        parse("2026-03-31", "2026-01-01")
    with pytest.raises(PeriodError, match="YYYY-MM-DD"):
        parse("31/03/2026", "2026-04-01")
    with pytest.raises(PeriodError, match="five years"):
        parse("2010-01-01", "2026-01-01")
    with pytest.raises(PeriodError, match="before"):
        parse("1999-01-01", "1999-02-01")
