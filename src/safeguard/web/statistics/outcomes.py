"""Outcome measures for the committee: of the children, episodes, referrals and notices
of a period, how many came to the outcome the partnership works for.

    lines = build(pub, timeliness.build(period))
    lines[0].numerator.text, lines[0].denominator.text, lines[0].percent   # "7", "12", "58%"

Each measure is a numerator over a denominator, for the whole area (a district's handful
of reviews or breaches would point at a family). Where the figures already exist they
are taken from the publication rather than counted again — referrals decided in time,
return interviews due and held in time (figures.py), online referrals acted on
(timeliness.py) — so that the report cannot say two things. Each line is protected as a
row with its total (suppression.protect): the numerator and the rest of the denominator
are its cells, the denominator its total, so a count below 5 reads "<5" and one the total
would give away "*". A percentage is shown only when both its counts are published.

The register does not record how a referral to children's social care came in (its
`referrer` is free text), so "referral to action for online referrals" is the online
referrals of the intelligence intake (NCMEC by way of the NCA, or another force):
received in the period, and acted on by its end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from ..core.clock import local_date
from ..safeguarding.models import InterviewStatus, NoticeBreach, Referral, RiskAssessment
from ..safeguarding.models.panels import DisruptionKind, DisruptionOutcome, DisruptionStep
from ..safeguarding.screening import below
from . import suppression
from .figures import owed_interviews
from .periods import Period
from .publication import Publication
from .suppression import Cell, protect
from .timeliness import Step

ORDERS = (DisruptionKind.SRO, DisruptionKind.SHPO)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    definition: str


MEASURES: tuple[Measure, ...] = (
    Measure("grade_reduced", "Risk grade reduced at review",
            "Children screened again in the period (a screening after an earlier one); of "
            "them, those whose grade at their last screening in the period is lower than "
            "at the screening before it. Each child once."),
    Measure("interviews_offered", "Return interviews offered",
            "Episodes whose child returned in the period and is owed a return home "
            "interview (as \"Return interviews due\"); of them, those where the interview "
            "was offered (an offer recorded, or the interview held or declined)."),
    Measure("interviews_accepted", "Return interviews accepted",
            "Of the interviews offered, those the child accepted and that were held."),
    Measure("interviews_in_time", "Return interviews held within 72 hours",
            "Of the interviews due, those held within 72 hours of the return (as in the "
            "figures)."),
    Measure("referrals_in_time", "Referrals decided within 1 working day",
            "Referrals to children's social care received in the period; of them, those "
            "decided by the end of the next working day (as in the figures)."),
    Measure("assessments_in_time", "Assessments completed in time",
            "Referrals whose assessment fell due in the period; of them, those whose "
            "assessment was completed on or before the day it was due."),
    Measure("online_actioned", "Online referrals acted on",
            "Online referrals (NCMEC by way of the NCA, or another force) received in the "
            "period; of them, those acted on by its end (see \"Online referrals: time to "
            "act\")."),
    Measure("breaches_to_orders", "Breached notices leading to an order application",
            "Warning notices breached in the period; of them, those whose adult was the "
            "subject of an application for a sexual risk order or a sexual harm prevention "
            "order made on or after the first breach in the period and by its end."),
    Measure("breaches_to_orders_granted", "Breached notices leading to an order granted",
            "Of the same breached notices, those where such an order was granted by the "
            "period's end."),
)


@dataclass(frozen=True)
class Line:
    measure: Measure
    numerator: Cell
    denominator: Cell

    @property
    def percent(self) -> str:
        return suppression.percent(self.numerator, self.denominator)


def build(pub: Publication, online: list[Step]) -> list[Line]:
    """The outcome measures of `pub`'s period, suppressed as `pub` is. `online`: the
    online referrals' steps (timeliness.build) for the same period."""
    period = pub.period
    counts: dict[str, tuple[int, int]] = {
        "grade_reduced": grade_reduced(period),
        **interviews(period),
        # The figures' own interviews in time, so that the two agree.
        "interviews_in_time": (pub.measures["interviews_in_time"].this_total.value,
                               pub.measures["interviews_due"].this_total.value),
        "referrals_in_time": (pub.measures["referrals_decided_in_time"].this_total.value,
                              pub.measures["referrals"].this_total.value),
        "assessments_in_time": assessments_in_time(period),
        **breaches_to_orders(period),
    }
    actioned = next((s for s in online if s.key == "actioned"), None)
    if actioned is not None:
        counts["online_actioned"] = (actioned.reached.value, actioned.received.value)
    return [_line(m, *counts[m.key], suppress=pub.suppressed)
            for m in MEASURES if m.key in counts]


def _line(measure: Measure, numerator: int, denominator: int, *, suppress: bool) -> Line:
    if not suppress:
        return Line(measure, Cell(numerator), Cell(denominator))
    row = protect([[numerator, denominator - numerator]], row_totals=True,
                  column_totals=False)
    assert row.row_totals is not None
    return Line(measure, row.body[0][0], row.row_totals[0])


# The counts --------------------------------------------------------------------------


def grade_reduced(period: Period) -> tuple[int, int]:
    """(children whose grade went down at their last review in the period, children
    reviewed in the period)."""
    reviewed = RiskAssessment.objects.filter(
        completed_on__gte=period.start, completed_on__lte=period.end).values("child_id")
    history: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for child, completed, grade in RiskAssessment.objects.filter(
            child_id__in=reviewed, completed_on__lte=period.end,
    ).order_by("child_id", "completed_on", "pk").values_list("child_id", "completed_on",
                                                             "grade"):
        history[child].append((completed, grade))
    children = reduced = 0
    for screenings in history.values():
        # The last screening in the period that had one before it.
        last = max((i for i, (on, _) in enumerate(screenings)
                    if i > 0 and on >= period.start), default=None)
        if last is None:
            continue  # only a first screening in the period: not a review
        children += 1
        if below(screenings[last][1], screenings[last - 1][1]):
            reduced += 1
    return reduced, children


def interviews(period: Period) -> dict[str, tuple[int, int]]:
    rows = list(owed_interviews(period).values_list("interview_offered_at", "interview_status"))
    offered = [status for at, status in rows
               if at is not None or status in (InterviewStatus.DONE, InterviewStatus.DECLINED)]
    held = sum(1 for status in offered if status == InterviewStatus.DONE)
    return {"interviews_offered": (len(offered), len(rows)),
            "interviews_accepted": (held, len(offered))}


def assessments_in_time(period: Period) -> tuple[int, int]:
    due = list(Referral.objects.filter(
        assessment_due__gte=period.start, assessment_due__lte=period.end,
    ).values_list("assessment_due", "assessment_completed_on"))
    done_in_time = sum(1 for when, done in due
                       if done is not None and when is not None and done <= when)
    return done_in_time, len(due)


def breaches_to_orders(period: Period) -> dict[str, tuple[int, int]]:
    """Of the notices breached in the period: those whose adult then had an order applied
    for, and granted, by the period's end (each over the breached notices)."""
    first_breach: dict[int, tuple[int, datetime]] = {}
    for notice, adult, at in NoticeBreach.objects.filter(
            occurred_at__gte=period.first_moment, occurred_at__lt=period.after,
    ).order_by("occurred_at").values_list("notice_id", "notice__adult_id", "occurred_at"):
        first_breach.setdefault(notice, (adult, at))
    applied: dict[int, list[tuple[date, bool]]] = defaultdict(list)
    for adult, on, outcome, decided in DisruptionStep.objects.filter(
            kind__in=ORDERS, adult_id__in={a for a, _ in first_breach.values()},
            applied_on__lte=period.end,
    ).values_list("adult_id", "applied_on", "outcome", "outcome_on"):
        granted = (outcome == DisruptionOutcome.GRANTED
                   and not (decided is not None and decided > period.end))
        applied[adult].append((on, granted))
    led = granted_after = 0
    for adult, at in first_breach.values():
        day = local_date(at)
        after = [granted for on, granted in applied.get(adult, []) if on >= day]
        led += bool(after)
        granted_after += any(after)
    breached = len(first_breach)
    return {"breaches_to_orders": (led, breached),
            "breaches_to_orders_granted": (granted_after, breached)}
