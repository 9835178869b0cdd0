"""The partnership's due and overdue board: for each clock the register keeps, how many
items each agency has overdue and due within `due_soon_days`.

For the partnership's performance group, across agencies: it counts ALL records on the
platform, whoever owns them, and so shows counts only, never a child, a name or a link
(views/worklists.board lets supervisors and analysts open it). The work lists
(worklists.py) are the other side: names and links, only what the user's agency may see.

Each clock reads its rule as the record pages and work lists do (rules.py, deadlines.py):
due dates stored on a record (a referral's decision and assessment, the child protection
steps, a review date) were fixed on the working calendar in force when it was recorded;
those computed here (an FGM report, an NRM reasonable grounds decision) are counted on the
working calendar in force now (local_rules().working).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import OuterRef, Subquery

from ..accounts.models import Agency
from .conf import LocalRules, local_rules
from .deadlines import fgm_duty, interview_owed, nrm_clock, order_clock
from .models import (
    ConcernStatus,
    Decision,
    EpisodeType,
    FgmDetail,
    ForcedMarriageDetail,
    InterviewStatus,
    MissingEpisode,
    NoticeStatus,
    PanelAction,
    ProtectionOrder,
    Referral,
    RiskAssessment,
    TraffickingDetail,
    WarningNotice,
)
from .rules import return_interview_due

# (owning agency id, due): a date, or an instant for the clocks counted in hours.
Item = tuple[int, date | datetime]


@dataclass(frozen=True)
class Today:
    day: date
    moment: datetime
    rules: LocalRules


@dataclass(frozen=True)
class Clock:
    key: str
    label: str
    rule: str
    items: Callable[[Today], Iterable[Item]]


@dataclass
class Cell:
    overdue: int = 0
    soon: int = 0


@dataclass
class Row:
    clock: Clock
    cells: dict[int, Cell] = field(default_factory=dict)

    @property
    def overdue(self) -> int:
        return sum(c.overdue for c in self.cells.values())

    @property
    def soon(self) -> int:
        return sum(c.soon for c in self.cells.values())


# The clocks --------------------------------------------------------------------------


def _stored(due: str, done: str) -> Callable[[Today], Iterable[Item]]:
    """A referral's stored due date, running until its done field is filled."""
    def items(now: Today) -> Iterable[Item]:
        return Referral.objects.filter(**{f"{due}__isnull": False, f"{done}__isnull": True}
                                       ).values_list("owning_agency_id", due)
    return items


def _interviews(now: Today) -> Iterable[Item]:
    episodes = MissingEpisode.objects.filter(returned_at__isnull=False,
                                             interview_status=InterviewStatus.PENDING)
    for agency, kind, returned in episodes.values_list("owning_agency_id", "episode_type",
                                                       "returned_at"):
        if returned is not None and interview_owed(kind, now.rules):
            yield agency, return_interview_due(returned)


def _prevention(now: Today) -> Iterable[Item]:
    # APP on missing persons sets no time: the interview is owed on the return, so one
    # not recorded counts as overdue from the return (deadlines.prevention_interview_owed).
    for agency, returned in MissingEpisode.objects.filter(
            episode_type=EpisodeType.MISSING, returned_at__isnull=False,
            prevention_interview_at__isnull=True).values_list("owning_agency_id", "returned_at"):
        if returned is not None:
            yield agency, returned


def _fgm(now: Today) -> Iterable[Item]:
    details = FgmDetail.objects.filter(
        concern__status=ConcernStatus.OPEN, reported_to_police_on__isnull=True
    ).select_related("concern__child")
    for detail in details:
        duty = fgm_duty(detail.concern, detail, now.rules.working)
        if duty.alerts:
            yield detail.concern.owning_agency_id, duty.deadlines.report_by


def _nrm(conclusive: bool) -> Callable[[Today], Iterable[Item]]:
    def items(now: Today) -> Iterable[Item]:
        details = TraffickingDetail.objects.filter(
            concern__status=ConcernStatus.OPEN).select_related("concern")
        details = (details.filter(reasonable_grounds=Decision.POSITIVE,
                                  conclusive_grounds=Decision.PENDING) if conclusive
                   else details.filter(reasonable_grounds=Decision.PENDING))
        for detail in details:
            clock = nrm_clock(detail, now.day, now.rules.working)
            due = clock.cg_earliest if conclusive else clock.rg_due
            if due is not None:
                yield detail.concern.owning_agency_id, due
    return items


def _orders(now: Today) -> Iterable[Item]:
    for model in (FgmDetail, ForcedMarriageDetail):
        details = model.objects.filter(
            concern__status=ConcernStatus.OPEN, protection_order=ProtectionOrder.GRANTED,
            order_expires_on__isnull=False).select_related("concern")
        for detail in details:
            clock = order_clock(detail.concern, detail, now.day,
                                now.rules.order_expiry_warning_days)
            if clock is not None:
                yield detail.concern.owning_agency_id, clock.expires_on


def _screenings(now: Today) -> Iterable[Item]:
    """Each child's latest screening (any agency's): its review date, counted against the
    agency that made it."""
    latest = RiskAssessment.objects.filter(child=OuterRef("child")).order_by(
        "-completed_on", "-pk").values("pk")[:1]
    yield from RiskAssessment.objects.filter(pk=Subquery(latest)).values_list(
        "owning_agency_id", "review_due")


def _notices(now: Today) -> Iterable[Item]:
    yield from WarningNotice.objects.filter(status=NoticeStatus.ACTIVE).values_list(
        "owning_agency_id", "review_due")


def _actions(now: Today) -> Iterable[Item]:
    """Counted against the agency that owns the action (its owner's, else the panel's)."""
    actions = PanelAction.objects.filter(completed_on__isnull=True).values_list(
        "owner_agency_id", "owner__agency_id", "meeting__owning_agency_id", "due_on")
    for owner_agency, owner_users_agency, panel_agency, due in actions:
        yield owner_agency or owner_users_agency or panel_agency, due


CLOCKS = (
    Clock("referral_decisions", "Referral decisions", "1 working day (Working Together 2023)",
          _stored("decision_due", "decided_at")),
    Clock("assessments", "Assessments", "45 working days from the referral",
          _stored("assessment_due", "assessment_completed_on")),
    Clock("icpc", "Initial child protection conferences",
          "15 working days from the strategy discussion", _stored("icpc_due", "icpc_held_on")),
    Clock("core_groups", "First core group meetings", "10 working days from the conference",
          _stored("core_group_due", "core_group_held_on")),
    Clock("rcpc", "Review child protection conferences", "3 months from the conference",
          _stored("rcpc_due", "rcpc_held_on")),
    Clock("return_interviews", "Return home interviews",
          "72 hours from the return (DfE statutory guidance 2014)", _interviews),
    Clock("prevention_interviews", "Police prevention interviews",
          "on the return (College of Policing APP: no set time)", _prevention),
    Clock("fgm_reports", "FGM reports to police",
          "next working day, where the s5B duty applies (FGM Act 2003)", _fgm),
    Clock("nrm_reasonable", "NRM reasonable grounds decisions",
          "5 working days from the referral (MSA 2015 statutory guidance)", _nrm(False)),
    Clock("nrm_conclusive", "NRM conclusive grounds decisions",
          "not before 30 days after a positive reasonable grounds decision", _nrm(True)),
    Clock("order_expiries", "Protection order expiries (FGMPO, FMPO)",
          "the expiry date the court set", _orders),
    Clock("risk_reviews", "Risk screening reviews", "the review date of the latest screening",
          _screenings),
    Clock("notice_reviews", "Warning notice reviews", "the notice's review date", _notices),
    Clock("panel_actions", "Panel actions", "the due date the panel set", _actions),
)


# Counting ---------------------------------------------------------------------------------


def _count(cell: Cell, due: date | datetime, now: Today, soon_days: int) -> None:
    ahead = timedelta(days=soon_days)
    if isinstance(due, datetime):  # an instant (the 72 hours): compared with now
        overdue, soon = due < now.moment, due <= now.moment + ahead
    else:
        overdue, soon = due < now.day, due <= now.day + ahead
    if overdue:
        cell.overdue += 1
    elif soon:
        cell.soon += 1


def board(day: date, moment: datetime) -> dict[str, object]:
    """Counts per clock and agency: overdue (the due date or instant has passed) and due
    soon (from now up to `due_soon_days` ahead, that day included)."""
    rules = local_rules()
    now = Today(day, moment, rules)
    rows = [Row(clock) for clock in CLOCKS]
    for row in rows:
        for agency_id, due in row.clock.items(now):
            _count(row.cells.setdefault(agency_id, Cell()), due, now, rules.due_soon_days)
    counted = {agency_id for row in rows for agency_id, cell in row.cells.items()
               if cell.overdue or cell.soon}
    agencies = [a for a in Agency.objects.order_by("name") if a.active or a.pk in counted]
    table = [{"key": row.clock.key, "label": row.clock.label, "rule": row.clock.rule,
              "cells": [row.cells.get(a.pk, Cell()) for a in agencies],
              "by_agency": {a.pk: row.cells.get(a.pk, Cell()) for a in agencies},
              "overdue": row.overdue, "soon": row.soon} for row in rows]
    return {"agencies": agencies, "rows": table, "soon_days": rules.due_soon_days,
            "overdue": sum(r.overdue for r in rows), "soon": sum(r.soon for r in rows)}
