"""A panel's world, counted by hand: the register's fixtures (tests/web/safeguarding/base.py)
plus what changed between the panel of 1 February 2026 and the new one of 3 March 2026.

The window is 2 February to 3 March 2026 (the day after the last meeting, to the day).
For alice (police, who owns everything here):

- raised to high: Ava (medium on 5 Jan, high on 10 Feb) and Ben (first screening high,
  15 Feb); not Cara (already high on 20 Jan, high again 20 Feb), nor Dan (health's,
  not shared);
- repeat missing (the local rule: 3 episodes in 90 days): Ava (10 Jan, 20 Feb, 25 Feb);
  not Ben (one), not Cara (30 Jan and 27 Feb: two);
- notices: Wendy's served 18 Feb (for Ben); Victor's (served 2025) breached 14 Feb;
- decisions due for review: Cara's (4 Jan, due 1 Feb: missed), Ava's (1 Feb, due today);
  not Victor's (June), nor Ava's of today's meeting;
- actions carried forward: "Visit the school" (due 20 Feb, overdue) and "Test purchase
  visit" (about the Kebab House, due 20 Mar), both from 1 Feb; not the done one, not the
  one of today's meeting;
- concern reports by place (police only): "Kebab House, High St" 1 report 1 child;
  the not-genuine report left out;
- network: Kebab House (found there: Ava, Ben; concern report: Ava, the silver
  hatchback), Victor (linked person of Ava; found with Ava; notice; breach), Wendy
  (notice for Ben; police intelligence: in contact with Ava);
- disruption: Victor (notice, breach, arrest charged, a sexual risk order granted 27 Feb),
  Wendy (notice), the Takeaway One (licensing referral, awaited).
"""

from __future__ import annotations

from datetime import date

from safeguard.web.accounts.models import Agency, User
from safeguard.web.intelligence.models import Subject
from safeguard.web.partners.models import ConcernReport, Sector
from safeguard.web.partners.models.concerns import CodeStatus, ConcernChild, ConcernPlace
from safeguard.web.partners.models.concerns import Outcome as ReportOutcome
from safeguard.web.safeguarding.models import (
    Arrest,
    LinkedPerson,
    MissingEpisode,
    MissingFrom,
    NoticeBreach,
    NoticeChild,
    PanelAction,
    PanelDiscussion,
    PanelMeeting,
    RiskAssessment,
    ScreeningTool,
    WarningNotice,
)
from safeguard.web.safeguarding.models.adults import ArrestOutcome
from safeguard.web.safeguarding.models.panels import (
    DisruptionKind,
    DisruptionOutcome,
    DisruptionStep,
)
from safeguard.web.safeguarding.reference import load_reference_data

from ..partners.base import make_business
from ..safeguarding.base import RegisterTestCase, aware, make_adult, make_child

PLACE = "Kebab House, High St"
VEHICLE = "Silver hatchback"


class PanelPackTestCase(RegisterTestCase):
    meeting: PanelMeeting

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        owner, alice = cls.owner_agency, cls.alice
        tool = ScreeningTool.objects.get(slug="cse-screening", version=1)

        def screen(child, day, grade, agency=owner):  # type: ignore[no-untyped-def]
            return RiskAssessment.objects.create(
                owning_agency=agency, child=child, tool=tool, completed_on=day,
                completed_by=alice, score=12, calculated_grade=grade, grade=grade,
                review_due=date(2026, 6, 1))

        def episode(child, when, **fields):  # type: ignore[no-untyped-def]
            return MissingEpisode.objects.create(owning_agency=owner, child=child,
                                                 missing_from=MissingFrom.HOME,
                                                 reported_at=aware(when), **fields)

        cls.ben = make_child(owner, first_name="Ben", last_name="Secondchild")
        cls.cara = make_child(owner, first_name="Cara", last_name="Thirdchild")
        cls.dan = make_child(cls.outsider_agency, first_name="Dan", last_name="Healthchild")
        screen(cls.child, date(2026, 2, 10), "high")
        screen(cls.ben, date(2026, 2, 15), "high")
        screen(cls.cara, date(2026, 1, 20), "high")
        screen(cls.cara, date(2026, 2, 20), "high")
        screen(cls.dan, date(2026, 2, 11), "high", agency=cls.outsider_agency)

        episode(cls.child, "2026-01-10T18:00")
        episode(cls.child, "2026-02-25T22:00", where_found=PLACE,
                found_with="Victor Testadult", found_at=aware("2026-02-26T02:00"))
        episode(cls.ben, "2026-02-12T20:00", where_found="kebab house,  high st.")
        episode(cls.cara, "2026-01-30T20:00")
        episode(cls.cara, "2026-02-27T20:00")

        LinkedPerson.objects.create(child=cls.child, relationship="adult_of_concern",
                                    adult=cls.adult)
        NoticeBreach.objects.create(notice=cls.notice, occurred_at=aware("2026-02-14T19:00"),
                                    child=cls.child, details="Seen together",
                                    action_taken="Arrested", recorded_by=alice)
        Arrest.objects.create(adult=cls.adult, arrested_on=date(2026, 2, 14),
                              offence="Child abduction (s2)", outcome=ArrestOutcome.CHARGED,
                              recorded_by=alice)
        cls.wendy = make_adult(owner, first_name="Wendy", last_name="Otheradult")
        cls.wendy_notice = WarningNotice.objects.create(
            owning_agency=owner, adult=cls.wendy, served_at=aware("2026-02-18T12:00"),
            served_by=alice, served_by_name="PC Test 1234", review_due=date(2026, 8, 18))
        link = NoticeChild(notice=cls.wendy_notice, child=cls.ben, basis="caa1984_s2",
                           age_when_served=14)
        link.set_protection()
        link.save()

        cls.meeting = PanelMeeting.objects.create(owning_agency=owner, title="MACE North",
                                                  held_on=date(2026, 3, 3), chair="DI Chair")
        PanelDiscussion.objects.create(meeting=cls.meeting, child=cls.child,
                                       summary="Missing twice.", decision="Disrupt.",
                                       review_on=date(2026, 4, 7))
        # Decisions: Cara's (4 Jan) was due at the February panel, which did not review
        # it (missed); Ava's (1 Feb) falls due today; Victor's not until June.
        cls.january = PanelMeeting.objects.create(owning_agency=owner, title="MACE North",
                                                  held_on=date(2026, 1, 4))
        PanelDiscussion.objects.create(meeting=cls.january, child=cls.cara, summary="s",
                                       decision="Refer to the school nurse.",
                                       review_on=date(2026, 2, 1))
        PanelDiscussion.objects.create(meeting=cls.panel, child=cls.child, summary="s",
                                       decision="Return home interview by an independent "
                                                "worker.", review_on=date(2026, 3, 3))
        PanelDiscussion.objects.create(meeting=cls.panel, adult=cls.adult, summary="s",
                                       decision="Apply for an order.",
                                       review_on=date(2026, 6, 1))
        PanelAction.objects.create(meeting=cls.panel, description="Test purchase visit",
                                   owner=alice, due_on=date(2026, 3, 20), place=PLACE)
        DisruptionStep.objects.create(meeting=cls.panel, adult=cls.adult,
                                      kind=DisruptionKind.SRO, applied_on=date(2026, 2, 16),
                                      outcome=DisruptionOutcome.GRANTED,
                                      outcome_on=date(2026, 2, 27))
        DisruptionStep.objects.create(meeting=cls.panel, place="Takeaway One",
                                      kind=DisruptionKind.LICENSING,
                                      applied_on=date(2026, 2, 24))
        PanelAction.objects.create(meeting=cls.panel, description="Done already",
                                   owner=alice, due_on=date(2026, 2, 10),
                                   completed_on=date(2026, 2, 9))
        PanelAction.objects.create(meeting=cls.meeting, description="Not due yet",
                                   owner=alice, due_on=date(2026, 3, 10))

        # Police intelligence: a subject who is Wendy, in contact with Ava.
        cls.subject = Subject.objects.create(owning_agency=owner, adult_of_concern=cls.wendy,
                                             child=cls.child, display_name="Intel subject")
        business = make_business(owner, name="Takeaway One", sector=Sector.TAKEAWAY)
        report = ConcernReport.objects.create(
            owning_agency=owner, received_at=aware("2026-02-22T23:00"), business=business,
            code_status=CodeStatus.VALID, what_happened="A girl got into a car.",
            vehicles=VEHICLE)
        ConcernPlace.objects.create(report=report, description=PLACE)
        ConcernChild.objects.create(report=report, child=cls.child)
        ConcernReport.objects.create(
            owning_agency=owner, received_at=aware("2026-02-23T10:00"), business=business,
            code_status=CodeStatus.VALID, what_happened="Spam.",
            outcome=ReportOutcome.NOT_GENUINE)


def small_world(owner: Agency, officer: User) -> PanelMeeting:
    """For the browser: one child found twice at a place with an adult, whose notice was
    breached and who was charged; an action overdue from the meeting before."""
    load_reference_data()
    ava = make_child(owner)
    victor = make_adult(owner)
    for reported in ("2026-01-20T20:00", "2026-02-12T20:00", "2026-02-25T22:00"):
        MissingEpisode.objects.create(owning_agency=owner, child=ava,
                                      missing_from=MissingFrom.HOME,
                                      reported_at=aware(reported), where_found=PLACE,
                                      found_with="Victor Testadult")
    notice = WarningNotice.objects.create(
        owning_agency=owner, adult=victor, served_at=aware("2025-06-01T12:00"),
        served_by=officer, served_by_name="PC Test 1234", review_due=date(2025, 12, 1))
    link = NoticeChild(notice=notice, child=ava, basis="caa1984_s2", age_when_served=14)
    link.set_protection()
    link.save()
    NoticeBreach.objects.create(notice=notice, occurred_at=aware("2026-02-14T19:00"),
                                child=ava, details="Seen together", action_taken="Arrested",
                                recorded_by=officer)
    Arrest.objects.create(adult=victor, arrested_on=date(2026, 2, 14),
                          offence="Child abduction (s2)", outcome=ArrestOutcome.CHARGED,
                          recorded_by=officer)
    before = PanelMeeting.objects.create(owning_agency=owner, title="MACE North",
                                         held_on=date(2026, 2, 1))
    PanelAction.objects.create(meeting=before, description="Visit the school",
                               owner=officer, due_on=date(2026, 2, 20))
    meeting = PanelMeeting.objects.create(owning_agency=owner, title="MACE North",
                                          held_on=date(2026, 3, 3), chair="DI Chair")
    PanelDiscussion.objects.create(meeting=meeting, child=ava, summary="Missing twice.",
                                   decision="Disrupt.")
    return meeting
