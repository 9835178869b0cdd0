"""The demo register's casework: harm concerns with their details, referrals with the
child protection path, and panels with discussions and actions (demo.py builds the
children, screenings, episodes, adults and notices first; this mixin reads them)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from ..accounts.models import Agency, User
from ..core.models import Area
from .conf import LocalRules
from .models import (
    AdultOfConcern,
    Child,
    Concern,
    ConcernStatus,
    ConferenceOutcome,
    CriminalExploitationDetail,
    CseDetail,
    Decision,
    FgmCase,
    FgmDetail,
    FgmHowKnown,
    ForcedMarriageDetail,
    Gender,
    HarmKind,
    Outcome,
    PanelAction,
    PanelAttendee,
    PanelDiscussion,
    PanelMeeting,
    Rag,
    Referral,
    ReporterProfession,
    S47Outcome,
    TraffickingDetail,
    TraffickingType,
)
from .models.panels import DisruptionKind, DisruptionOutcome, DisruptionStep
from .rules import assessment_due, child_protection_clocks, referral_decision_due

PLACES = ("a takeaway", "a taxi rank", "a retail park", "a hotel car park", "the bus station",
          "a park", "a friend's flat")


class CaseworkMixin:
    # Set by the builder (demo._Builder) before these run.
    fake: Any
    rng: random.Random
    today: date
    rules: LocalRules
    children: list[Child]
    adults: list[AdultOfConcern]
    risk: dict[int, int]
    users: dict[str, User]
    sharer: dict[int, User]
    police: Agency
    county: Agency
    city: Agency
    icb: Agency
    education: Agency

    def moment(self, day: date, start: int = 8, end: int = 22) -> datetime:
        raise NotImplementedError

    def days_ago(self, low: int, high: int) -> date:
        raise NotImplementedError

    def council_for(self, child: Child) -> Agency:
        raise NotImplementedError

    def share(self, obj: Any, agency: Agency, reason: str) -> None:
        raise NotImplementedError

    def make_concerns(self) -> None:
        kinds = {
            HarmKind.CSE: (3, 45), HarmKind.CRIMINAL_EXPLOITATION: (2, 16),
            HarmKind.MISSING: (2, 20), HarmKind.TRAFFICKING: (3, 5), HarmKind.FGM: (0, 3),
            HarmKind.FORCED_MARRIAGE: (0, 2), HarmKind.HONOUR_BASED: (0, 2),
        }
        concerns: list[Concern] = []
        details: list[Any] = []
        for kind, (min_risk, count) in kinds.items():
            pool = [c for c in self.children if self.risk[c.pk] >= min_risk]
            if kind in (HarmKind.FGM, HarmKind.FORCED_MARRIAGE):
                pool = [c for c in pool if c.gender == Gender.FEMALE]
            for child in self.rng.sample(pool, min(count, len(pool))):
                identified = self.days_ago(1, 200)
                closed = self.rng.random() < 0.15
                concerns.append(Concern(
                    owning_agency=child.owning_agency, child=child, kind=kind,
                    status=ConcernStatus.CLOSED if closed else ConcernStatus.OPEN,
                    identified_on=identified,
                    closed_on=identified + timedelta(days=30) if closed else None,
                    summary="Synthetic demo concern: information shared by partner agencies.",
                    created_by=self.sharer[child.owning_agency_id]))
        Concern.objects.bulk_create(concerns)
        for concern in concerns:
            for agency in (self.police, self.council_for(concern.child)):
                self.share(concern, agency, "Multi-agency exploitation panel: child at risk")
            detail = self.detail_for(concern)
            if detail is not None:
                details.append(detail)
        by_model: dict[type[models.Model], list[models.Model]] = {}
        for detail in details:
            by_model.setdefault(type(detail), []).append(detail)
        for model, rows in by_model.items():
            model._default_manager.bulk_create(rows)

    def detail_for(self, concern: Concern) -> models.Model | None:
        on = concern.identified_on
        if concern.kind == HarmKind.CSE:
            return CseDetail(concern=concern, online=self.rng.random() < 0.5,
                             places=self.rng.choice(PLACES))
        if concern.kind == HarmKind.CRIMINAL_EXPLOITATION:
            return CriminalExploitationDetail(concern=concern,
                                              county_lines=self.rng.random() < 0.5,
                                              drugs=True, places=self.rng.choice(PLACES))
        if concern.kind == HarmKind.TRAFFICKING:
            decided = self.rng.random() < 0.6
            return TraffickingDetail(
                concern=concern, exploitation=self.rng.choice(TraffickingType.values[:3]),
                nrm_referred_on=on + timedelta(days=2),
                reasonable_grounds=Decision.POSITIVE if decided else Decision.PENDING,
                reasonable_grounds_on=on + timedelta(days=7) if decided else None)
        if concern.kind == HarmKind.FGM:
            case = self.rng.choice(FgmCase.values)
            known = case == FgmCase.KNOWN
            reported = known and self.rng.random() < 0.6
            return FgmDetail(
                concern=concern, case_type=case,
                how_known=self.rng.choice((FgmHowKnown.DISCLOSED, FgmHowKnown.OBSERVED))
                if known else "",
                reporter_name=f"{self.fake.first_name()} {self.fake.last_name()}" if known else "",
                reporter_profession=self.rng.choice(ReporterProfession.values[:3])
                if known else "",
                reported_to_police_on=on + timedelta(days=1) if reported else None)
        if concern.kind == HarmKind.FORCED_MARRIAGE:
            if self.rng.random() < 0.5:
                return ForcedMarriageDetail(concern=concern, protection_order="applied",
                                            order_applied_on=on + timedelta(days=3))
            # Granted to a date: some expire within the warning window, so it shows.
            return ForcedMarriageDetail(
                concern=concern, protection_order="granted",
                order_applied_on=on + timedelta(days=3), order_granted_on=on + timedelta(days=5),
                order_expires_on=self.today + timedelta(days=self.rng.randint(10, 200)))
        return None

    def child_protection_path(self, decided: date, working: Any) -> dict[str, Any]:
        """A strategy discussion outcome's steps so far: some conferences held, some due,
        a few overdue, so that the clocks have something to show."""
        strategy = decided + timedelta(days=self.rng.randint(0, 3))
        if strategy > self.today:
            return {}
        path: dict[str, Any] = {"strategy_discussion_on": strategy,
                                "s47_started_on": strategy}
        if self.rng.random() < 0.25:
            path["s47_outcome"] = S47Outcome.NO_CONFERENCE
            return path
        clocks = child_protection_clocks(strategy, strategy, False, None, False, working)
        path["icpc_due"] = clocks.icpc_due
        assert clocks.icpc_due is not None
        held = clocks.icpc_due - timedelta(days=self.rng.randint(-2, 6))
        if held > self.today or self.rng.random() < 0.1:
            return path  # awaited (overdue for some)
        path.update(s47_outcome=S47Outcome.CONFERENCE, icpc_held_on=held,
                    icpc_outcome=ConferenceOutcome.PLAN)
        clocks = child_protection_clocks(strategy, strategy, False, held, True, working)
        path.update(core_group_due=clocks.core_group_due, rcpc_due=clocks.rcpc_due)
        assert clocks.core_group_due is not None
        if clocks.core_group_due <= self.today:
            path["core_group_held_on"] = clocks.core_group_due - timedelta(days=2)
        return path

    def make_referrals(self) -> None:
        working = self.rules.working
        referrals = []
        for child in self.rng.sample(self.children, 120):
            received = self.moment(self.days_ago(0, 150), 8, 18)
            day = timezone.localdate(received)
            due = referral_decision_due(day, working)
            decided = due < self.today or self.rng.random() < 0.5
            if due < self.today and self.rng.random() < 0.05:
                decided = False  # overdue decisions
            outcome = (self.rng.choices(Outcome.values, weights=(25, 40, 20, 15))[0]
                       if decided else "")
            assess = (assessment_due(day, working)
                      if outcome in (Outcome.ASSESSMENT, Outcome.STRATEGY) else None)
            completed = None
            if assess is not None and self.rng.random() < 0.7:
                completed = min(self.today, day + timedelta(days=self.rng.randint(20, 60)))
            council = self.council_for(child)
            path = (self.child_protection_path(due, working) if outcome == Outcome.STRATEGY
                    else {})
            referrals.append(Referral(**path,
                owning_agency=council,
                child=child, received_at=received,
                referrer=self.rng.choice(("School designated safeguarding lead", "GP surgery",
                                          "Police response officer", "Youth worker")),
                concern="Synthetic demo referral: worries about adults targeting the child "
                        "and late nights.",
                rag=self.rng.choices(Rag.values, weights=(20, 45, 35))[0], decision_due=due,
                decided_at=self.moment(due, 9, 17) if decided else None,
                decided_by=self.sharer[council.pk] if decided else None, outcome=outcome,
                assessment_due=assess, assessment_completed_on=completed,
                created_by=self.sharer[council.pk]))
        Referral.objects.bulk_create(referrals)
        for referral in referrals:
            self.share(referral, self.police, "Referral about a child at risk of exploitation")

    def make_panels(self) -> None:
        north = list(Area.objects.filter(ons_code__in=("E06000021", "E07000195", "E07000198",
                                                       "E07000197")))
        meetings, attendees, discussions, actions = [], [], [], []
        extra = random.Random(19)
        owners = [self.users[name] for name in ("police.investigator", "county.practitioner",
                                                "city.practitioner", "icb.practitioner")]
        for month in range(6):
            for region in ("North", "South"):
                held = self.today - timedelta(days=30 * month + (3 if region == "North" else 10))
                meetings.append(PanelMeeting(
                    owning_agency=self.police, title=f"MACE {region}", held_on=held,
                    area=None, chair=f"DI {self.fake.last_name()}",
                    created_by=self.sharer[self.police.pk]))
        PanelMeeting.objects.bulk_create(meetings)
        for meeting in meetings:
            for agency in (self.police, self.county, self.city, self.icb, self.education):
                attendees.append(PanelAttendee(meeting=meeting, agency=agency,
                                               name=self.fake.name(), role="Panel member"))
            pool = [c for c in self.children if (c.district in north) == meeting.title.endswith(
                "North") and self.risk[c.pk] >= 2]
            for child in self.rng.sample(pool, min(6, len(pool))):
                discussions.append(PanelDiscussion(
                    meeting=meeting, child=child, review_on=meeting.held_on + timedelta(days=28),
                    summary="Synthetic demo discussion: recent missing episodes and adults "
                            "targeting the child.",
                    decision=self.rng.choice(("Disruption plan agreed.", "Refer for a strategy "
                                              "discussion.", "Continue the safety plan; review "
                                              "next month."))))
            for _ in range(self.rng.randint(3, 5)):
                due = meeting.held_on + timedelta(days=self.rng.randint(14, 35))
                done = due < self.today and self.rng.random() < 0.75
                owner = self.rng.choice(owners)
                actions.append(PanelAction(
                    meeting=meeting, description=self.rng.choice((
                        "Share licensing intelligence with the council.",
                        "Arrange a return home interview follow-up.",
                        "Speak to the school about attendance.",
                        "Review the placement's missing protocol.")),
                    owner=owner, owner_agency=owner.agency, due_on=due,
                    completed_on=min(due, self.today) if done else None,
                    # What it is about, from a generator of its own: the draws above
                    # stay as they were, so the rest of the demo does too.
                    child=extra.choice(discussions[-3:]).child if discussions else None,
                    place=extra.choice(("", "", "Demo Takeaway (synthetic), High Street",
                                        "Demo Hotel (synthetic), Station Road"))))
            for agency in (self.county, self.city, self.icb, self.education):
                self.share(meeting, agency, "Panel member agency")
        PanelAttendee.objects.bulk_create(attendees)
        PanelDiscussion.objects.bulk_create(discussions)
        PanelAction.objects.bulk_create(actions)
        self.make_disruption(meetings, extra)

    def make_disruption(self, meetings: list[PanelMeeting], extra: random.Random) -> None:
        """Orders, licensing referrals and closure orders the panels decided: some for
        adults of concern, some for the demo's synthetic places."""
        steps = []
        for meeting in meetings[2:]:  # the older meetings: their outcomes are known
            for _ in range(2):
                kind = extra.choice(list(DisruptionKind))
                applied = meeting.held_on + timedelta(days=extra.randint(3, 20))
                outcome = extra.choice(list(DisruptionOutcome))
                adult = extra.choice(self.adults) if kind in (
                    DisruptionKind.SRO, DisruptionKind.SHPO) else None
                steps.append(DisruptionStep(
                    meeting=meeting, kind=kind, applied_on=applied, adult=adult,
                    place="" if adult else extra.choice((
                        "Demo Takeaway (synthetic), High Street",
                        "Demo Hotel (synthetic), Station Road",
                        "Demo Taxis (synthetic), Market Square")),
                    outcome=outcome,
                    outcome_on=None if outcome == DisruptionOutcome.PENDING
                    else min(applied + timedelta(days=extra.randint(5, 30)), self.today)))
        DisruptionStep.objects.bulk_create(steps)

