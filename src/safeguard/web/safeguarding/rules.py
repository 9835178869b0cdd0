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


def born_by(day: date, years: int) -> date:
    """The latest date of birth of someone at least `years` old on `day` (age_on: a
    29 February birthday counts from 1 March in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)


# Children Act 1989 s105: a child is a person under 18. At 18 a person leaves the
# register's at-risk figures and work lists (adult services take over).
ADULT_AGE = 18
# The transition prompt: from this many months before the 18th birthday (17 and a half).
TRANSITION_MONTHS = 6


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


def notice_basis(age: int, in_care: bool, connected: str = "") -> NoticeBasis:
    """The law a child abduction warning notice rests on, for a child of `age` on the
    date it is served, in care or not on that date, and `connected` naming the adult's
    relationship when the adult is a person of CAA 1984 s2(2) (a parent, guardian,
    special guardian, or with parental responsibility or a child arrangements order):

    - under 16, the adult not connected: the Child Abduction Act 1984 s2;
    - under 18 and in care (care order, emergency protection order, police protection):
      the Children Act 1989 s49, which reaches connected persons too;
    - otherwise NoBasis, with the reason."""
    if age >= 18:
        raise NoBasis(f"is {age} on the date served: a warning notice protects a child under 18")
    if age < 16 and not connected:
        return NoticeBasis.CHILD_ABDUCTION_ACT_S2
    if in_care:
        return NoticeBasis.CHILDREN_ACT_S49
    if age < 16:
        raise NoBasis(
            f"is linked to the adult as {connected}: the Child Abduction Act 1984 s2 does not "
            "reach a parent, guardian, special guardian or a person with parental "
            "responsibility (s2(2)), and the Children Act 1989 s49 needs the child in care "
            "on the date served"
        )
    raise NoBasis(
        f"is {age} and not in care on the date served: at 16 or 17 a warning notice rests on "
        "the Children Act 1989 s49, which needs a child in care (care order, emergency "
        "protection order or police protection); the Child Abduction Act 1984 s2 covers "
        "children under 16 only"
    )


@dataclass(frozen=True)
class Lapse:
    on: date
    reason: str


def notice_lapses(basis: NoticeBasis, born: date, left_care_on: date | None = None) -> Lapse:
    """The day a notice stops protecting a child: the birthday its basis ends at (16 for
    s2, 18 for s49) or, for s49, the day the child left care if that is sooner (s49
    protects a child in care; after that the notice has nothing to rest on)."""
    limit = NOTICE_BASIS_AGE_LIMIT[basis]
    ends = Lapse(birthday_on_or_after(born, limit), f"reaches {limit}")
    if basis == NoticeBasis.CHILDREN_ACT_S49 and left_care_on is not None and (
            left_care_on < ends.on):
        return Lapse(left_care_on, "left care")
    return ends


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


# The child protection path ------------------------------------------------------------

# Working Together to Safeguard Children 2023, chapter 2: the initial child protection
# conference within 15 working days of the strategy discussion (of the last one, where
# several were held) that started the section 47 enquiry; the first core group meeting
# within 10 working days of the conference; the first review conference within 3 months
# of the initial one.
ICPC_WORKING_DAYS = 15
CORE_GROUP_WORKING_DAYS = 10
RCPC_MONTHS = 3


@dataclass(frozen=True)
class ChildProtectionClocks:
    icpc_due: date | None
    core_group_due: date | None
    rcpc_due: date | None


def child_protection_clocks(
    strategy_on: date | None, s47_started_on: date | None, conference_ruled_out: bool,
    icpc_held_on: date | None, plan: bool, working: WorkingCalendar,
) -> ChildProtectionClocks:
    """The due dates of the path so far: the conference clock runs once an enquiry has
    started from a strategy discussion, until the enquiry rules a conference out; the
    core group and review clocks run once a conference has made a plan."""
    icpc = None
    if strategy_on is not None and s47_started_on is not None and not conference_ruled_out:
        icpc = working.add_working_days(strategy_on, ICPC_WORKING_DAYS)
    core = review = None
    if icpc_held_on is not None and plan:
        core = working.add_working_days(icpc_held_on, CORE_GROUP_WORKING_DAYS)
        review = add_months(icpc_held_on, RCPC_MONTHS)
    return ChildProtectionClocks(icpc, core, review)


# FGM: who owes the report ----------------------------------------------------------

# FGM Act 2003 s5B (and its procedural information, Home Office 2016, updated 2020): the
# duty falls on a regulated health or social care professional or a teacher who, in the
# course of the work, is told by a girl under 18 that FGM has been carried out on her or
# observes physical signs of it. Not on at-risk or suspected cases, nor on what a parent
# or another professional says (those follow the usual safeguarding procedures).
FGM_DUTY_WAYS = frozenset({"disclosed", "observed"})
FGM_DUTY_PROFESSIONS = frozenset({"health", "social_care", "teacher"})


def fgm_duty_exemption(case: str, how_known: str, profession: str, age: int,
                       gender: str) -> str:
    """Empty when the mandatory reporting duty applies; otherwise why it does not (the
    case still follows the local safeguarding procedures)."""
    if case != "known":
        return "the duty covers known cases only, not at-risk or suspected ones"
    if age >= 18:
        return f"she was {age} when it became known: the duty covers girls under 18"
    if gender != "female":
        return "the child is not recorded as female: check the record"
    if how_known not in FGM_DUTY_WAYS:
        return ("the duty applies when the girl tells the professional or they observe "
                "the signs, not when someone else reports it")
    if profession not in FGM_DUTY_PROFESSIONS:
        return ("the duty is a regulated health or social care professional's or a "
                "teacher's")
    return ""


# Trafficking: the National Referral Mechanism ---------------------------------------

# Modern Slavery Act 2015 statutory guidance (England and Wales): a reasonable grounds
# decision within 5 working days of the referral where possible; a conclusive grounds
# decision no sooner than 30 calendar days after a positive reasonable grounds decision
# (the recovery period).
NRM_REASONABLE_GROUNDS_WORKING_DAYS = 5
NRM_RECOVERY_DAYS = 30


def nrm_reasonable_grounds_due(referred_on: date, working: WorkingCalendar) -> date:
    return working.add_working_days(referred_on, NRM_REASONABLE_GROUNDS_WORKING_DAYS)


def nrm_conclusive_grounds_earliest(reasonable_grounds_on: date) -> date:
    return reasonable_grounds_on + timedelta(days=NRM_RECOVERY_DAYS)


def order_expiring(expires_on: date | None, on: date, warning_days: int) -> bool:
    """A protection order (FGMPO, FMPO) within `warning_days` of its expiry or past it."""
    return expires_on is not None and on >= expires_on - timedelta(days=warning_days)
