"""The register's rules, pinned with known dates (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from safeguard.web.safeguarding.rules import (
    Grade,
    NoBasis,
    NoticeBasis,
    add_months,
    age_on,
    assessment_due,
    birthday_on_or_after,
    fgm_deadlines,
    grade_for_score,
    is_repeat_missing,
    notice_basis,
    referral_decision_due,
    return_interview_due,
)
from safeguard.web.safeguarding.workingdays import WorkingCalendar, bank_holidays, easter_sunday

LONDON = ZoneInfo("Europe/London")

# One-off and moved holidays as local.toml shipped them before the calendar came from the
# `holidays` package: the package has them all, so as settings they must change nothing.
EXTRA = {date(2022, 6, 2): "Spring (moved)", date(2022, 6, 3): "Platinum Jubilee",
         date(2022, 9, 19): "State funeral", date(2023, 5, 8): "Coronation",
         date(2020, 5, 8): "VE Day"}
MOVED = [date(2022, 5, 30), date(2020, 5, 4)]
WORKING = WorkingCalendar(EXTRA, MOVED)


def d(text: str) -> date:
    return date.fromisoformat(text)


# Bank holidays ---------------------------------------------------------------------

@pytest.mark.parametrize(("year", "easter"), [
    (2008, "2008-03-23"), (2019, "2019-04-21"), (2024, "2024-03-31"), (2025, "2025-04-20"),
    (2026, "2026-04-05"), (2038, "2038-04-25"), (2285, "2285-03-22"),
])
def test_easter_by_the_computus(year: int, easter: str) -> None:
    assert easter_sunday(year) == d(easter)


KNOWN = {
    # Proclamations before 2016, which the hand-written calendar left to the settings: the
    # early May holiday moved to VE Day's 50th anniversary (1995), the millennium (1999),
    # the golden jubilee and its spring move (2002), a royal wedding (2011), the diamond
    # jubilee and its spring move (2012).
    1995: ["1995-01-02", "1995-04-14", "1995-04-17", "1995-05-08", "1995-05-29", "1995-08-28",
           "1995-12-25", "1995-12-26"],
    1999: ["1999-01-01", "1999-04-02", "1999-04-05", "1999-05-03", "1999-05-31", "1999-08-30",
           "1999-12-27", "1999-12-28", "1999-12-31"],
    2002: ["2002-01-01", "2002-03-29", "2002-04-01", "2002-05-06", "2002-06-03", "2002-06-04",
           "2002-08-26", "2002-12-25", "2002-12-26"],
    2011: ["2011-01-03", "2011-04-22", "2011-04-25", "2011-04-29", "2011-05-02", "2011-05-30",
           "2011-08-29", "2011-12-26", "2011-12-27"],
    2012: ["2012-01-02", "2012-04-06", "2012-04-09", "2012-05-07", "2012-06-04", "2012-06-05",
           "2012-08-27", "2012-12-25", "2012-12-26"],
    2016: ["2016-01-01", "2016-03-25", "2016-03-28", "2016-05-02", "2016-05-30", "2016-08-29",
           "2016-12-26", "2016-12-27"],
    2020: ["2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31",
           "2020-12-25", "2020-12-28"],
    2021: ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30",
           "2021-12-27", "2021-12-28"],
    2022: ["2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03",
           "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"],
    2023: ["2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29",
           "2023-08-28", "2023-12-25", "2023-12-26"],
    2024: ["2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26",
           "2024-12-25", "2024-12-26"],
    2025: ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25",
           "2025-12-25", "2025-12-26"],
    2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31",
           "2026-12-25", "2026-12-28"],
    2027: ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30",
           "2027-12-27", "2027-12-28"],
}


@pytest.mark.parametrize("year", sorted(KNOWN))
def test_bank_holidays_of_england_and_wales(year: int) -> None:
    # The package alone: substitute days, the 2020 and 2022 moves and the one-offs.
    assert list(bank_holidays(year)) == [d(day) for day in KNOWN[year]]


@pytest.mark.parametrize("year", sorted(KNOWN))
def test_settings_repeating_the_package_change_nothing(year: int) -> None:
    assert list(bank_holidays(year, EXTRA, MOVED)) == [d(day) for day in KNOWN[year]]


def test_substitute_days_are_named() -> None:
    # 2016: Christmas on a Sunday; Boxing Day keeps the Monday, Christmas moves to Tuesday.
    names = bank_holidays(2016)
    assert names[d("2016-12-26")] == "Boxing Day"
    assert names[d("2016-12-27")] == "Christmas Day (substitute day)"
    assert bank_holidays(2026)[d("2026-12-28")] == "Boxing Day (substitute day)"
    assert bank_holidays(2022)[d("2022-01-03")] == "New Year's Day (substitute day)"


def test_a_force_adds_and_removes_dates_on_top_of_the_package() -> None:
    # A proclamation newer than the pinned package: 31 May 2027 moved to Friday 4 June.
    extra, moved = {d("2027-06-04"): "Spring bank holiday (moved)"}, [d("2027-05-31")]
    days = bank_holidays(2027, extra, moved)
    assert d("2027-05-31") not in days
    assert days[d("2027-06-04")] == "Spring bank holiday (moved)"
    assert len(days) == len(KNOWN[2027])
    working = WorkingCalendar(extra, moved)
    assert working.is_working_day(d("2027-05-31"))
    assert not working.is_working_day(d("2027-06-04"))
    # The force's name wins over the package's for a date both have.
    assert bank_holidays(2023, EXTRA)[d("2023-05-08")] == "Coronation"
    # Settings for another year leave this one alone.
    assert bank_holidays(2026, extra, moved) == bank_holidays(2026)


def test_weekend_days_are_not_bank_holidays() -> None:
    # Christmas 2021 fell on a Saturday: the bank holidays are Monday 27 and Tuesday 28.
    assert d("2021-12-25") not in bank_holidays(2021)
    assert d("2021-12-26") not in bank_holidays(2021)
    assert not WORKING.is_working_day(d("2021-12-25"))


# Working days ----------------------------------------------------------------------

@pytest.mark.parametrize(("received", "due"), [
    ("2026-03-02", "2026-03-03"),  # Monday -> Tuesday
    ("2026-03-06", "2026-03-09"),  # Friday -> Monday
    ("2026-03-07", "2026-03-09"),  # Saturday -> Monday
    ("2026-04-02", "2026-04-07"),  # Thursday before Easter -> Tuesday after Easter Monday
    ("2025-12-24", "2025-12-29"),  # Christmas Eve -> the Monday after Boxing Day
    ("2026-12-24", "2026-12-29"),  # 2026: Boxing Day substitute on Monday 28th
    ("2023-05-05", "2023-05-09"),  # the coronation Monday (a one-off setting)
])
def test_a_referral_is_decided_within_one_working_day(received: str, due: str) -> None:
    assert referral_decision_due(d(received), WORKING) == d(due)


def test_an_assessment_is_due_in_45_working_days() -> None:
    # From Monday 2 March 2026: Good Friday, Easter Monday and the early May holiday skipped.
    assert assessment_due(d("2026-03-02"), WORKING) == d("2026-05-07")
    # Over Christmas 2024: 45 weekdays less 25, 26 December and 1 January.
    assert assessment_due(d("2024-12-02"), WORKING) == d("2025-02-06")
    assert WORKING.working_days_between(d("2026-03-02"), d("2026-05-07")) == 45


def test_working_days_need_at_least_one() -> None:
    with pytest.raises(ValueError):
        WORKING.add_working_days(d("2026-03-02"), 0)


# Ages ------------------------------------------------------------------------------

@pytest.mark.parametrize(("born", "on", "age"), [
    ("2010-03-01", "2026-02-28", 15),
    ("2010-03-01", "2026-03-01", 16),
    ("2008-02-29", "2026-02-28", 17),  # a leap-day birthday in a common year: not yet
    ("2008-02-29", "2026-03-01", 18),  # ...the day after 28 February
    ("2008-02-29", "2028-02-28", 19),
    ("2008-02-29", "2028-02-29", 20),  # a leap year has the day itself
    ("2012-12-31", "2026-01-01", 13),
])
def test_age_on_a_date(born: str, on: str, age: int) -> None:
    assert age_on(d(born), d(on)) == age


def test_age_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError):
        age_on(d("2020-01-02"), d("2020-01-01"))


def test_birthdays_of_leap_day_children() -> None:
    assert birthday_on_or_after(d("2008-02-29"), 18) == d("2026-03-01")
    assert birthday_on_or_after(d("2012-02-29"), 16) == d("2028-02-29")


def test_add_months_clips_to_the_month_end() -> None:
    assert add_months(d("2025-11-30"), 3) == d("2026-02-28")
    assert add_months(d("2027-11-30"), 3) == d("2028-02-29")
    assert add_months(d("2026-01-31"), 1) == d("2026-02-28")
    assert add_months(d("2026-09-15"), 6) == d("2027-03-15")


# Warning notices -------------------------------------------------------------------

@pytest.mark.parametrize(("age", "in_care", "basis"), [
    (12, False, NoticeBasis.CHILD_ABDUCTION_ACT_S2),
    (15, False, NoticeBasis.CHILD_ABDUCTION_ACT_S2),
    (15, True, NoticeBasis.CHILD_ABDUCTION_ACT_S2),
    (16, True, NoticeBasis.CHILDREN_ACT_S49),
    (17, True, NoticeBasis.CHILDREN_ACT_S49),
])
def test_the_notice_basis(age: int, in_care: bool, basis: NoticeBasis) -> None:
    assert notice_basis(age, in_care) == basis


@pytest.mark.parametrize(("age", "in_care", "reason"), [
    (16, False, "not in care"), (17, False, "not in care"), (18, True, "under 18"),
    (25, False, "under 18"),
])
def test_no_notice_basis(age: int, in_care: bool, reason: str) -> None:
    with pytest.raises(NoBasis, match=reason):
        notice_basis(age, in_care)


# Missing ---------------------------------------------------------------------------

def test_the_return_interview_is_due_72_hours_after_the_return() -> None:
    returned = datetime(2026, 3, 10, 18, 30, tzinfo=LONDON)
    assert return_interview_due(returned) == datetime(2026, 3, 13, 18, 30, tzinfo=LONDON)


def test_72_hours_are_elapsed_hours_across_the_clock_change() -> None:
    # British Summer Time starts on Sunday 29 March 2026: 72 hours after 22:00 GMT on
    # Friday is 23:00 BST on Monday.
    returned = datetime(2026, 3, 27, 22, 0, tzinfo=LONDON)
    due = return_interview_due(returned)
    assert due - returned.astimezone(UTC) == timedelta(hours=72)
    assert due.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 3, 30, 23, 0)


def test_repeat_missing_counts_episodes_in_the_window() -> None:
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    three = [start, start + timedelta(days=30), start + timedelta(days=89)]
    assert is_repeat_missing(three, three[-1], episodes=3, days=90)
    assert not is_repeat_missing(three[:2], three[-1], episodes=3, days=90)
    # The window is the 90 days up to the moment: an episode exactly 90 days before is out.
    spread = [start, start + timedelta(days=45), start + timedelta(days=90)]
    assert not is_repeat_missing(spread, spread[-1], episodes=3, days=90)
    # Later episodes do not count at an earlier moment.
    assert not is_repeat_missing(three, three[1], episodes=3, days=90)
    # Both numbers are settings.
    assert is_repeat_missing(spread, spread[-1], episodes=2, days=90)
    assert is_repeat_missing(spread, spread[-1], episodes=3, days=91)


# FGM and grades --------------------------------------------------------------------

def test_the_fgm_report_is_due_by_the_end_of_the_next_working_day() -> None:
    deadlines = fgm_deadlines(d("2026-04-02"), WORKING)  # Thursday before Easter
    assert deadlines.report_by == d("2026-04-07")
    assert deadlines.latest == d("2026-05-02")
    assert not deadlines.overdue(d("2026-04-07"))
    assert deadlines.overdue(d("2026-04-08"))
    assert not deadlines.past_limit(d("2026-05-02"))
    assert deadlines.past_limit(d("2026-05-03"))


@pytest.mark.parametrize(("score", "grade"), [
    (0, Grade.NO_CURRENT_RISK), (1, Grade.LOW), (5, Grade.LOW), (6, Grade.MEDIUM),
    (10, Grade.MEDIUM), (11, Grade.HIGH), (30, Grade.HIGH),
])
def test_a_score_against_the_thresholds(score: int, grade: Grade) -> None:
    assert grade_for_score(score, 1, 6, 11) == grade


def test_thresholds_must_rise() -> None:
    with pytest.raises(ValueError):
        grade_for_score(3, 6, 1, 11)
