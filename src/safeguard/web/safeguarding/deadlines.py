"""The clocks of one record, as a page, the work lists and the partnership board read them:
whether a return home interview is owed, whether the FGM reporting duty applies, how a
protection order stands against its expiry, and where an NRM referral's decisions are.

The rules themselves are rules.py's (plain functions over dates); this module feeds them
a record's fields and the local settings, so that the three readers cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .conf import LocalRules
from .models import (
    Concern,
    ConcernStatus,
    Decision,
    EpisodeType,
    FgmDetail,
    ForcedMarriageDetail,
    InterviewStatus,
    MissingEpisode,
    ProtectionOrder,
    ReporterProfession,
    TraffickingDetail,
)
from .rules import (
    FgmDeadlines,
    age_on,
    fgm_deadlines,
    fgm_duty_exemption,
    nrm_conclusive_grounds_earliest,
    nrm_reasonable_grounds_due,
    order_expiring,
    return_interview_due,
)
from .workingdays import WorkingCalendar

# Missing episodes -------------------------------------------------------------------

AWAY_NOT_OWED = (
    "not owed: an episode away from placement without authorisation is owed a return home "
    "interview only where the partnership chose to offer one (the local setting "
    "away_episodes_owe_interview is off); the statutory guidance ties the interview to a "
    "child who went missing")


def interview_owed(episode_type: str, rules: LocalRules) -> bool:
    return episode_type == EpisodeType.MISSING or rules.away_episodes_owe_interview


@dataclass(frozen=True)
class InterviewClock:
    owed: bool
    why_not: str               # the reason when not owed
    due: datetime | None       # the 72nd hour after the return (an instant, UTC)
    overdue: bool
    in_time: bool | None       # held by the due instant (the 72nd hour counts); None: not held


def interview_clock(episode: MissingEpisode, rules: LocalRules,
                    moment: datetime) -> InterviewClock:
    owed = interview_owed(episode.episode_type, rules)
    due = return_interview_due(episode.returned_at) if episode.returned_at else None
    pending = episode.interview_status == InterviewStatus.PENDING
    held = episode.interview_at if episode.interview_status == InterviewStatus.DONE else None
    return InterviewClock(
        owed=owed, why_not="" if owed else AWAY_NOT_OWED, due=due,
        overdue=owed and due is not None and pending and moment > due,
        in_time=None if due is None or held is None else held <= due,
    )


def prevention_interview_owed(episode: MissingEpisode) -> bool:
    """The police prevention interview follows a missing episode the police investigated:
    an away-from-placement episode is the placement's to handle, not a police report."""
    return (episode.episode_type == EpisodeType.MISSING and episode.returned_at is not None
            and episode.prevention_interview_at is None)


# FGM: the mandatory reporting duty ------------------------------------------------------

# What the duty needs to be decided, beyond the case type, age and gender: a record made
# before these were asked (or by the demo) may lack them.
UNDECIDED = ("record how it became known and the profession of who identified it: until "
             "then the register treats it as a case the duty may cover")


@dataclass(frozen=True)
class FgmDuty:
    applies: bool | None       # None: the record lacks what the duty turns on
    why_not: str
    age: int | None            # the girl's age on the day it became known
    deadlines: FgmDeadlines
    reporter: str              # whose personal duty it is, where it applies

    @property
    def alerts(self) -> bool:
        """Counted in the work lists: the duty applies, or may (undecided)."""
        return self.applies is not False


def fgm_duty(concern: Concern, detail: FgmDetail, working: WorkingCalendar) -> FgmDuty:
    """rules.fgm_duty_exemption on the record: the age on the identified date, the
    child's gender on the record. A missing "how known" or profession is filled with a
    value that would bring the duty in, to see whether anything else rules it out; if
    nothing does, the duty is undecided rather than ruled out by a blank field."""
    child = concern.child
    deadlines = fgm_deadlines(concern.identified_on, working)
    try:
        age: int | None = age_on(child.date_of_birth, concern.identified_on)
    except ValueError:  # identified before the recorded birth: the record needs checking
        age = None
    if age is None:
        return FgmDuty(None, "it is dated before the child's recorded date of birth: check "
                       "the record", None, deadlines, "")
    how, profession = detail.how_known, detail.reporter_profession
    probe = fgm_duty_exemption(detail.case_type, how or "disclosed", profession or "health",
                               age, child.gender)
    if probe:
        return FgmDuty(False, probe, age, deadlines, "")
    if not how or not profession:
        return FgmDuty(None, UNDECIDED, age, deadlines, "")
    why_not = fgm_duty_exemption(detail.case_type, how, profession, age, child.gender)
    if why_not:
        return FgmDuty(False, why_not, age, deadlines, "")
    role = ReporterProfession(profession).label.lower()
    who = f"{detail.reporter_name} ({role})" if detail.reporter_name else f"the {role}"
    return FgmDuty(True, "", age, deadlines, who)


def fgm_report_overdue(duty: FgmDuty, detail: FgmDetail, day: date) -> bool:
    return (duty.alerts and detail.reported_to_police_on is None
            and duty.deadlines.overdue(day))


# Protection orders (FGMPO, FMPO) ----------------------------------------------------------


@dataclass(frozen=True)
class OrderClock:
    expires_on: date
    expired: bool
    expiring: bool             # within the warning days, or past
    alert: bool                # shown in the work lists: the concern is open
    days_left: int


def order_clock(concern: Concern, detail: FgmDetail | ForcedMarriageDetail, day: date,
                warning_days: int) -> OrderClock | None:
    """A granted order with an expiry date; None for any other (no clock runs). The
    expiry date is the order's last day in force: it has expired the day after."""
    expires = detail.order_expires_on
    if detail.protection_order != ProtectionOrder.GRANTED or expires is None:
        return None
    expiring = order_expiring(expires, day, warning_days)
    return OrderClock(expires, day > expires, expiring,
                      expiring and concern.status == ConcernStatus.OPEN, (expires - day).days)


# Trafficking: the National Referral Mechanism ------------------------------------------


@dataclass(frozen=True)
class NrmClock:
    rg_due: date | None        # the reasonable grounds decision, while awaited
    rg_overdue: bool
    cg_earliest: date | None   # the conclusive grounds decision, while awaited after RG+
    cg_awaited_days: int | None
    cg_overdue: bool           # the earliest date has passed without a decision


def nrm_clock(detail: TraffickingDetail, day: date, working: WorkingCalendar) -> NrmClock:
    rg_due = cg_earliest = None
    awaited = None
    if detail.nrm_referred_on and detail.reasonable_grounds == Decision.PENDING:
        rg_due = nrm_reasonable_grounds_due(detail.nrm_referred_on, working)
    if (detail.reasonable_grounds == Decision.POSITIVE and detail.reasonable_grounds_on
            and detail.conclusive_grounds == Decision.PENDING):
        cg_earliest = nrm_conclusive_grounds_earliest(detail.reasonable_grounds_on)
        awaited = max((day - detail.reasonable_grounds_on).days, 0)
    return NrmClock(rg_due, rg_due is not None and day > rg_due, cg_earliest, awaited,
                    cg_earliest is not None and day > cg_earliest)
