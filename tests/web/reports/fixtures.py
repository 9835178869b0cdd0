"""A small world counted by hand, for the statistics tests (test_figures.py has the
counts, worked out from the comments here).

Period: the first quarter of 2026; previous: the last quarter of 2025. Districts:
Stoke-on-Trent, Tamworth, Stafford. Records of two agencies (statistics count both).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from safeguard.web.accounts.models import Agency, User
from safeguard.web.core.models import Area
from safeguard.web.partners.models import (
    Attendance,
    Business,
    CodeStatus,
    ConcernReport,
    Outcome,
    Sector,
    TrainingSession,
)
from safeguard.web.safeguarding.models import (
    AdultOfConcern,
    Arrest,
    Child,
    InterviewStatus,
    MissingEpisode,
    MissingFrom,
    NoticeBreach,
    NoticeChild,
    NoticeStatus,
    Rag,
    Referral,
    RiskAssessment,
    ScreeningTool,
    WarningNotice,
)
from safeguard.web.safeguarding.reference import load_reference_data

STOKE, TAMWORTH, STAFFORD = "E06000021", "E07000199", "E07000197"


def local(text: str) -> datetime:
    """A local (Europe/London) time."""
    return timezone.make_aware(datetime.fromisoformat(text))


class World:
    def __init__(self, police: Agency, other: Agency, officer: User) -> None:
        load_reference_data()
        self.police, self.other, self.officer = police, other, officer
        self.stoke = Area.objects.get(ons_code=STOKE)
        self.tamworth = Area.objects.get(ons_code=TAMWORTH)
        self.stafford = Area.objects.get(ons_code=STAFFORD)
        self.tool = ScreeningTool.objects.get(slug="cse-screening", version=1)
        self.children()
        self.screenings()
        self.referrals()
        self.episodes()
        self.notices()
        self.arrests()
        self.partners()

    def child(self, name: str, area: Area, agency: Agency | None = None) -> Child:
        return Child.objects.create(
            owning_agency=agency or self.police, first_name=name, last_name="Countchild",
            date_of_birth=date(2011, 5, 5), gender="female", district=area)

    def children(self) -> None:
        self.c1 = self.child("CHILD-ONE", self.stoke)
        self.c2 = self.child("CHILD-TWO", self.stoke)
        self.c3 = self.child("CHILD-THREE", self.tamworth)
        self.c4 = self.child("CHILD-FOUR", self.tamworth)
        self.c5 = self.child("CHILD-FIVE", self.stafford)  # never screened
        self.c6 = self.child("CHILD-SIX", self.stoke, self.other)

    def screen(self, child: Child, on: str, grade: str) -> None:
        RiskAssessment.objects.create(
            owning_agency=child.owning_agency, child=child, tool=self.tool,
            completed_on=date.fromisoformat(on), score=1, calculated_grade=grade, grade=grade,
            review_due=date(2027, 1, 1))

    def screenings(self) -> None:
        self.screen(self.c1, "2025-11-10", "high")    # Q4 end: high
        self.screen(self.c1, "2026-02-01", "medium")  # Q1 end: medium
        self.screen(self.c2, "2026-03-31", "high")    # the last day counts
        self.screen(self.c3, "2025-12-01", "low")     # both ends: low
        self.screen(self.c3, "2026-04-01", "high")    # after the period: ignored
        self.screen(self.c4, "2026-01-15", "no_current_risk")  # not at risk
        self.screen(self.c6, "2026-03-01", "high")    # the other agency's child

    def referral(self, child: Child, received: str, due: str, decided: str | None) -> None:
        Referral.objects.create(
            owning_agency=child.owning_agency, child=child, received_at=local(received),
            referrer="School", concern="Synthetic", rag=Rag.AMBER,
            decision_due=date.fromisoformat(due),
            decided_at=local(decided) if decided else None)

    def referrals(self) -> None:
        self.referral(self.c1, "2026-01-05T10:00", "2026-01-06", "2026-01-06T16:00")  # in time
        self.referral(self.c3, "2026-03-31T23:30", "2026-04-01", "2026-04-02T09:00")  # late; BST
        self.referral(self.c1, "2026-04-01T00:00", "2026-04-02", None)  # next quarter
        self.referral(self.c5, "2025-12-31T23:59", "2026-01-02", None)  # Q4, Stafford

    def episode(self, child: Child, reported: str, returned: str | None,
                status: str = InterviewStatus.PENDING, held: str | None = None) -> None:
        MissingEpisode.objects.create(
            owning_agency=child.owning_agency, child=child, missing_from=MissingFrom.HOME,
            reported_at=local(reported), returned_at=local(returned) if returned else None,
            interview_status=status, interview_at=local(held) if held else None)

    def episodes(self) -> None:
        # Due 14 January 10:00; held at 10:00 that day, the 72nd hour: in time.
        self.episode(self.c1, "2026-01-10T20:00", "2026-01-11T10:00", InterviewStatus.DONE,
                     "2026-01-14T10:00")
        # Due 14 February 09:00; held on the 15th: late.
        self.episode(self.c1, "2026-02-10T20:00", "2026-02-11T09:00", InterviewStatus.DONE,
                     "2026-02-15T11:00")
        self.episode(self.c3, "2026-03-30T20:00", "2026-04-01T10:00")  # returned after
        # Reported in Q4, returned in Q1: due in Q1; declined.
        self.episode(self.c2, "2025-12-30T22:00", "2026-01-02T08:00", InterviewStatus.DECLINED)
        self.episode(self.c6, "2026-03-01T08:00", "2026-03-01T12:00")  # pending: not in time

    def notice(self, children: list[Child], served: str, status: str = NoticeStatus.ACTIVE,
               changed: str | None = None) -> WarningNotice:
        notice = WarningNotice.objects.create(
            owning_agency=self.police, adult=self.a1, served_at=local(served),
            served_by_name="PC Test", review_due=date(2027, 1, 1), status=status,
            status_changed_on=date.fromisoformat(changed) if changed else None)
        for child in children:
            link = NoticeChild(notice=notice, child=child, basis="caa1984_s2",
                               age_when_served=14)
            link.set_protection()  # the stored lapse (protection_ends) the models now need
            link.save()
        return notice

    def breach(self, notice: WarningNotice, when: str, child: Child | None) -> None:
        NoticeBreach.objects.create(notice=notice, occurred_at=local(when), child=child,
                                    details="Synthetic")

    def notices(self) -> None:
        self.a1 = AdultOfConcern.objects.create(owning_agency=self.police, first_name="ADULT",
                                                last_name="ONE", district=self.stoke)
        self.a2 = AdultOfConcern.objects.create(owning_agency=self.police, first_name="ADULT",
                                                last_name="TWO")  # no district
        n1 = self.notice([self.c1], "2025-11-01T12:00")  # served Q4; active at both ends
        n2 = self.notice([self.c3], "2026-02-01T12:00", NoticeStatus.WITHDRAWN, "2026-03-15")
        n3 = self.notice([self.c2, self.c3], "2026-03-20T12:00")  # Stoke (its first child)
        self.notice([self.c3], "2025-06-01T12:00", NoticeStatus.EXPIRED, "2026-02-01")
        self.breach(n1, "2026-02-02T18:00", self.c1)   # Stoke
        self.breach(n3, "2026-03-25T18:00", None)      # the notice's: Stoke
        self.breach(n2, "2026-01-20T18:00", self.c3)   # Tamworth
        self.breach(n1, "2025-12-01T18:00", self.c1)   # Q4, Stoke

    def arrests(self) -> None:
        for adult, day in ((self.a1, "2026-01-10"), (self.a1, "2026-03-31"),
                           (self.a2, "2026-02-02"), (self.a1, "2025-10-01")):
            Arrest.objects.create(adult=adult, arrested_on=date.fromisoformat(day),
                                  offence="Synthetic")

    def business(self, name: str, area: Area, sector: str, agency: Agency) -> Business:
        return Business.objects.create(owning_agency=agency, name=name, sector=sector,
                                       premises="Synthetic", district=area)

    def session(self, on: str, area: Area, staff: list[tuple[Business, int]]) -> None:
        session = TrainingSession.objects.create(
            owning_agency=self.police, held_on=date.fromisoformat(on), trainer="PC Test",
            district=area)
        for business, count in staff:
            Attendance.objects.create(session=session, business=business, staff_count=count)

    def report(self, business: Business | None, received: str, **fields: Any) -> None:
        ConcernReport.objects.create(
            owning_agency=self.police, business=business, received_at=local(received),
            code_status=CodeStatus.VALID if business else CodeStatus.UNKNOWN,
            what_happened="Synthetic report", **fields)

    def partners(self) -> None:
        bs1 = self.business("BIZ-ONE", self.stoke, Sector.TAXI, self.police)
        bs2 = self.business("BIZ-TWO", self.tamworth, Sector.HOTEL, self.police)
        bs3 = self.business("BIZ-THREE", self.stoke, Sector.TAKEAWAY, self.other)
        self.session("2026-01-20", self.stoke, [(bs1, 3), (bs2, 2)])
        self.session("2026-03-31", self.tamworth, [(bs2, 4), (bs3, 1)])
        self.session("2025-12-01", self.stoke, [(bs1, 5)])
        self.report(bs1, "2026-02-01T21:00")
        self.report(bs2, "2026-03-01T21:00", outcome=Outcome.NOT_GENUINE, status="closed")
        self.report(None, "2026-03-02T21:00")
        self.report(bs2, "2025-12-15T21:00")


# By measure: (Q1 by district, Q1 total, Q4 total). District keys: "S", "T", "F", None.
EXPECTED: dict[str, tuple[dict[str | None, int], int, int]] = {
    "children_at_risk": ({"S": 3, "T": 1}, 4, 2),
    "children_high": ({"S": 2}, 2, 1),
    "children_medium": ({"S": 1}, 1, 0),
    "children_low": ({"T": 1}, 1, 1),
    "referrals": ({"S": 1, "T": 1}, 2, 1),
    "referrals_decided_in_time": ({"S": 1}, 1, 0),
    "missing_episodes": ({"S": 3, "T": 1}, 4, 1),
    "missing_children": ({"S": 2, "T": 1}, 3, 1),
    "interviews_due": ({"S": 4}, 4, 0),
    "interviews_in_time": ({"S": 1}, 1, 0),
    "notices_served": ({"S": 1, "T": 1}, 2, 1),
    "notices_active": ({"S": 2}, 2, 2),
    "notice_breaches": ({"S": 2, "T": 1}, 3, 1),
    "arrests": ({"S": 2, None: 1}, 3, 1),
    "training_sessions": ({"S": 1, "T": 1}, 2, 1),
    "businesses_trained": ({"S": 2, "T": 1}, 3, 1),
    "staff_trained": ({"S": 4, "T": 6}, 10, 5),
    "concerns_reported": ({"S": 1, None: 1}, 2, 1),
}
