"""The safeguarding rules of shared/domain.md as plain functions over dates and numbers.

Views, forms, models and work lists ask these; the tests pin them with known dates. No
Django import: what a rule needs (the local settings, a working calendar) is passed in.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from .workingdays import WorkingCalendar

# Statutory guidance on children who run away or go missing (DfE, 2014): the return home
# interview within 72 hours of the return.
RETURN_INTERVIEW_HOURS = 72
# Working Together to Safeguard Children: a referral decided within 1 working day, an
# assessment completed within 45 working days of the referral.
REFERRAL_DECISION_WORKING_DAYS = 1
ASSESSMENT_WORKING_DAYS = 45
# FGM mandatory reporting duty (FGM Act 2003 s5B): by the end of the next working day
# where possible, and within one month at most.
FGM_REPORT_LIMIT_MONTHS = 1


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, clipped to the month's end (30 Nov + 3 months = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def age_on(born: date, on: date) -> int:
    """Age in whole years on `on`. A child born on 29 February turns a year older on
    1 March in a common year (Family Law Reform Act 1969 s9: at the start of the
    anniversary, which a common year does not have until 1 March)."""
    if on < born:
        raise ValueError("the date is before the birth")
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def birthday_on_or_after(born: date, years: int) -> date:
    """The date a person born on `born` reaches `years` (29 Feb -> 1 Mar in common years)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


# Warning notices -------------------------------------------------------------------


class NoticeBasis(StrEnum):
    CHILD_ABDUCTION_ACT_S2 = "caa1984_s2"
    CHILDREN_ACT_S49 = "ca1989_s49"


NOTICE_BASIS_LABELS = {
    NoticeBasis.CHILD_ABDUCTION_ACT_S2: "Child Abduction Act 1984 s2 (under 16)",
    NoticeBasis.CHILDREN_ACT_S49: "Children Act 1989 s49 (under 18, in care)",
}
NOTICE_BASIS_AGE_LIMIT = {
    NoticeBasis.CHILD_ABDUCTION_ACT_S2: 16,
    NoticeBasis.CHILDREN_ACT_S49: 18,
}


class NoBasis(ValueError):
    """No law supports a warning notice for this child on this date."""


def notice_basis(age: int, in_care: bool) -> NoticeBasis:
    """The law a child abduction warning notice rests on, for a child of `age` on the
    date it is served: under 16, the Child Abduction Act 1984 s2; 16 or 17 and in care
    (care order, emergency protection order, police protection), the Children Act 1989
    s49. Otherwise NoBasis, with the reason."""
    if age < 16:
        return NoticeBasis.CHILD_ABDUCTION_ACT_S2
    if age >= 18:
        raise NoBasis(f"is {age} on the date served: a warning notice protects a child under 18")
    if in_care:
        return NoticeBasis.CHILDREN_ACT_S49
    raise NoBasis(
        f"is {age} and not in care on the date served: at 16 or 17 a warning notice rests on "
        "the Children Act 1989 s49, which needs a child in care (care order, emergency "
        "protection order or police protection); the Child Abduction Act 1984 s2 covers "
        "children under 16 only"
    )


# Missing episodes ------------------------------------------------------------------


def return_interview_due(returned_at: datetime) -> datetime:
    """72 elapsed hours after the return (counted in UTC: a clock change in between
    does not move it)."""
    if returned_at.tzinfo is None:
        raise ValueError("the return time needs a time zone")
    return returned_at.astimezone(UTC) + timedelta(hours=RETURN_INTERVIEW_HOURS)


def is_repeat_missing(
    reported: Iterable[datetime], at: datetime, episodes: int, days: int
) -> bool:
    """True when at least `episodes` episodes were reported in the `days` days up to and
    including `at` (the local rule, default 3 in 90 days)."""
    since = at - timedelta(days=days)
    return sum(1 for moment in reported if since < moment <= at) >= episodes


# Risk grades -----------------------------------------------------------------------


class Grade(StrEnum):
    NO_CURRENT_RISK = "no_current_risk"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


GRADE_ORDER = (Grade.NO_CURRENT_RISK, Grade.LOW, Grade.MEDIUM, Grade.HIGH)


def grade_for_score(score: int, low_from: int, medium_from: int, high_from: int) -> Grade:
    """A screening score against a tool's thresholds (each the lowest score of its grade)."""
    if not 0 < low_from <= medium_from <= high_from:
        raise ValueError("thresholds must rise: 0 < low <= medium <= high")
    if score >= high_from:
        return Grade.HIGH
    if score >= medium_from:
        return Grade.MEDIUM
    if score >= low_from:
        return Grade.LOW
    return Grade.NO_CURRENT_RISK


# Deadlines -------------------------------------------------------------------------


@dataclass(frozen=True)
class FgmDeadlines:
    report_by: date       # the end of the next working day
    latest: date          # one month at most

    def overdue(self, today: date) -> bool:
        return today > self.report_by

    def past_limit(self, today: date) -> bool:
        return today > self.latest


def fgm_deadlines(identified_on: date, working: WorkingCalendar) -> FgmDeadlines:
    return FgmDeadlines(
        report_by=working.add_working_days(identified_on, 1),
        latest=add_months(identified_on, FGM_REPORT_LIMIT_MONTHS),
    )


def referral_decision_due(received_on: date, working: WorkingCalendar) -> date:
    return working.add_working_days(received_on, REFERRAL_DECISION_WORKING_DAYS)


def assessment_due(received_on: date, working: WorkingCalendar) -> date:
    return working.add_working_days(received_on, ASSESSMENT_WORKING_DAYS)
