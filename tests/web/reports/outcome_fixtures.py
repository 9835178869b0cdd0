"""The outcome measures' world, counted by hand (test_rates_outcomes.py checks the
counts; its browser test shows them). Period: the first quarter of 2026, all in
Stoke-on-Trent, one agency."""

from __future__ import annotations

from datetime import date

from safeguard.web.accounts.models import Agency
from safeguard.web.core.models import Area
from safeguard.web.safeguarding.models import (
    AdultOfConcern,
    Child,
    InterviewStatus,
    MissingEpisode,
    MissingFrom,
    NoticeBreach,
    NoticeChild,
    PanelMeeting,
    Rag,
    Referral,
    RiskAssessment,
    ScreeningTool,
    WarningNotice,
)
from safeguard.web.safeguarding.models.panels import (
    DisruptionKind,
    DisruptionOutcome,
    DisruptionStep,
)
from safeguard.web.safeguarding.reference import load_reference_data

from .fixtures import STOKE, local


class OutcomeWorld:
    def __init__(self, agency: Agency) -> None:
        load_reference_data()
        self.owner_agency = agency
        self.tool = ScreeningTool.objects.get(slug="cse-screening", version=1)
        self.stoke = Area.objects.get(ons_code=STOKE)
        self.grades()
        self.episodes()
        self.referrals()
        self.breaches()

    def child(self, name: str) -> Child:
        return Child.objects.create(owning_agency=self.owner_agency, first_name=name,
                                    last_name="Outcomechild", date_of_birth=date(2011, 5, 5),
                                    gender="female", district=self.stoke)

    def screened(self, name: str, *screenings: tuple[str, str]) -> None:
        child = self.child(name)
        for day, grade in screenings:
            RiskAssessment.objects.create(
                owning_agency=self.owner_agency, child=child, tool=self.tool,
                completed_on=date.fromisoformat(day), score=1, calculated_grade=grade,
                grade=grade, review_due=date(2026, 6, 1))

    def grades(self) -> None:
        # Reviewed in Q1 (a screening in Q1 after an earlier one): 12 children.
        # Grade reduced at the last review: 5 high → low, and 1 high → no current risk = 6.
        for index in range(5):
            self.screened(f"down-{index}", ("2025-11-01", "high"), ("2026-02-01", "low"))
        self.screened("down-to-none", ("2025-10-01", "high"), ("2026-03-20", "no_current_risk"))
        # Not reduced: 5 medium → high, and one down then up again (its last review counts).
        for index in range(5):
            self.screened(f"up-{index}", ("2025-12-01", "medium"), ("2026-02-10", "high"))
        self.screened("down-then-up", ("2026-01-05", "high"), ("2026-02-05", "medium"),
                     ("2026-03-05", "high"))
        # Not reviewed in Q1: a first screening only; a review after the quarter.
        self.screened("first-only", ("2026-02-01", "high"))
        self.screened("reviewed-later", ("2025-10-01", "high"), ("2026-04-10", "low"))

    def episode(self, returned: str, status: str = InterviewStatus.PENDING,
                offered: str | None = None, held: str | None = None) -> None:
        MissingEpisode.objects.create(
            owning_agency=self.owner_agency, child=self.child("missing"),
            missing_from=MissingFrom.HOME, reported_at=local("2026-01-01T09:00"),
            returned_at=local(returned), interview_status=status,
            interview_offered_at=local(offered) if offered else None,
            interview_at=local(held) if held else None)

    def episodes(self) -> None:
        # Returned in Q1 and owed an interview: 12. Offered 9 (6 held in time, 1 held late,
        # 2 declined), 3 never offered. Accepted (held): 7 of 9. In time: 6 of 12.
        for _ in range(6):
            self.episode("2026-02-01T10:00", InterviewStatus.DONE, "2026-02-01T12:00",
                        "2026-02-03T10:00")
        self.episode("2026-02-01T10:00", InterviewStatus.DONE, "2026-02-02T10:00",
                    "2026-02-04T18:00")  # 80 hours after the return: late
        for _ in range(2):
            self.episode("2026-02-01T10:00", InterviewStatus.DECLINED, "2026-02-01T12:00",
                        "2026-02-02T10:00")
        for _ in range(3):
            self.episode("2026-03-01T10:00")
        self.episode("2025-12-20T10:00", InterviewStatus.DONE, "2025-12-20T12:00",
                    "2025-12-21T10:00")  # returned in the quarter before: not counted

    def referral(self, received: str, due: str, decided: str | None,
                 assessment_due: str | None = None, assessed: str | None = None) -> None:
        Referral.objects.create(
            owning_agency=self.owner_agency, child=self.child("referred"),
            received_at=local(received), referrer="School", concern="Synthetic",
            rag=Rag.AMBER, decision_due=date.fromisoformat(due),
            decided_at=local(decided) if decided else None,
            assessment_due=date.fromisoformat(assessment_due) if assessment_due else None,
            assessment_completed_on=date.fromisoformat(assessed) if assessed else None)

    def referrals(self) -> None:
        # Received in Q1: 3, decided in time 2. Assessments due in Q1: 3, in time 1.
        self.referral("2026-01-05T09:00", "2026-01-06", "2026-01-06T15:00",
                     "2026-02-10", "2026-02-09")                      # in time, in time
        self.referral("2026-01-12T09:00", "2026-01-13", "2026-01-13T09:00",
                     "2026-02-20", "2026-02-21")                      # in time, a day late
        self.referral("2026-01-19T09:00", "2026-01-20", "2026-01-22T09:00",
                     "2026-03-01")                                    # late, not completed
        self.referral("2025-12-01T09:00", "2025-12-02", "2025-12-02T09:00",
                     "2026-04-05", "2026-04-01")                      # due after Q1

    def breaches(self) -> None:
        meeting = PanelMeeting.objects.create(owning_agency=self.owner_agency,
                                              held_on=date(2026, 2, 5))
        child = self.child("protected")

        def notice(name: str, *breached: str) -> AdultOfConcern:
            adult = AdultOfConcern.objects.create(owning_agency=self.owner_agency,
                                                  first_name=name, last_name="Outcomeadult")
            served = WarningNotice.objects.create(
                owning_agency=self.owner_agency, adult=adult, served_at=local("2025-12-01T12:00"),
                served_by_name="PC Test", review_due=date(2027, 1, 1))
            NoticeChild.objects.create(notice=served, child=child, basis="caa1984_s2",
                                       age_when_served=14, protection_ends=date(2029, 5, 5))
            for when in breached:
                NoticeBreach.objects.create(notice=served, occurred_at=local(when),
                                            details="Synthetic")
            return adult

        def order(adult: AdultOfConcern, kind: str, on: str, outcome: str = "pending",
                  decided: str | None = None) -> None:
            DisruptionStep.objects.create(
                meeting=meeting, adult=adult, kind=kind, applied_on=date.fromisoformat(on),
                outcome=outcome, outcome_on=date.fromisoformat(decided) if decided else None)

        # Breached in Q1: 5 notices. An order applied for after the first breach: 2 (X, V);
        # granted by 31 March: 1 (X).
        x = notice("X", "2026-02-01T20:00", "2026-02-15T20:00")
        order(x, DisruptionKind.SRO, "2026-02-10", DisruptionOutcome.GRANTED, "2026-03-01")
        y = notice("Y", "2026-02-01T20:00")
        order(y, DisruptionKind.SHPO, "2026-01-15")  # before the breach: not led by it
        z = notice("Z", "2026-03-01T20:00")
        order(z, DisruptionKind.CLOSURE, "2026-03-05")  # not an order on the adult
        w = notice("W", "2026-03-10T20:00")
        order(w, DisruptionKind.SHPO, "2026-04-02")  # after the quarter
        v = notice("V", "2026-02-20T20:00")
        order(v, DisruptionKind.SRO, "2026-03-01", DisruptionOutcome.REFUSED, "2026-03-20")
        notice("Old", "2025-12-24T20:00")  # breached in the quarter before: not counted
