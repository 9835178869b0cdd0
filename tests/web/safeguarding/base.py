"""Register fixtures: one record of each kind, owned by alice's police agency and shared
with bob's council; charlie's health agency has none of them.

    class ThingTests(RegisterTestCase):
        def test_it_...(self):
            self.login(self.alice)
            self.justify(self.child)          # the reason, as the justification page gives it
            self.client.get(f"/safeguarding/children/{self.child.pk}/")
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from safeguard.web.accounts.models import Agency, User
from safeguard.web.core.models import Area, Share
from safeguard.web.safeguarding.models import (
    AdultOfConcern,
    Child,
    Concern,
    FgmDetail,
    HarmKind,
    LegalStatus,
    LegalStatusChange,
    MissingEpisode,
    MissingFrom,
    NoticeChild,
    PanelAction,
    PanelMeeting,
    Placement,
    Rag,
    Referral,
    RiskAssessment,
    ScreeningTool,
    WarningNotice,
)
from safeguard.web.safeguarding.reference import load_reference_data

from ..base import WebTestCase

# A fixed "now" for the register's clock (a Tuesday in term time).
NOW = "2026-03-03T10:00:00+00:00"
TODAY = date(2026, 3, 3)
INTELLIGENCE = "INTEL-MARKER: seen with children at the retail park"
PNC = "PNC-MARKER-0042"


def aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def make_child(agency: Agency, **fields: Any) -> Child:
    values: dict[str, Any] = {
        "first_name": "Ava", "last_name": "Testchild", "date_of_birth": date(2011, 6, 1),
        "gender": "female", "district": Area.objects.get(ons_code="E06000021"),
        "legal_status": LegalStatus.CHILD_IN_NEED, "placement": Placement.HOME,
    }
    history = fields.pop("history", True)
    values.update(fields)
    child = Child.objects.create(owning_agency=agency, **values)
    if history:
        # The status since birth, unless a test needs a history that starts later.
        LegalStatusChange.objects.create(child=child, status=child.legal_status,
                                         since=child.date_of_birth)
    return child


def make_adult(agency: Agency, **fields: Any) -> AdultOfConcern:
    values: dict[str, Any] = {"first_name": "Victor", "last_name": "Testadult",
                              "intelligence_notes": INTELLIGENCE, "pnc_reference": PNC}
    values.update(fields)
    return AdultOfConcern.objects.create(owning_agency=agency, **values)


class RegisterTestCase(WebTestCase):
    area: Area
    child: Child
    adult: AdultOfConcern
    assessment: RiskAssessment
    episode: MissingEpisode
    concern: Concern
    referral: Referral
    notice: WarningNotice
    panel: PanelMeeting
    action: PanelAction

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        load_reference_data()  # present after migrate; again in case a flush removed it
        cls.area = Area.objects.get(ons_code="E06000021")
        owner = cls.owner_agency
        cls.child = make_child(owner)
        cls.adult = make_adult(owner)
        tool = ScreeningTool.objects.get(slug="cse-screening", version=1)
        cls.assessment = RiskAssessment.objects.create(
            owning_agency=owner, child=cls.child, tool=tool, completed_on=date(2026, 1, 5),
            completed_by=cls.alice, score=7, calculated_grade="medium", grade="medium",
            review_due=date(2026, 4, 5))
        cls.episode = MissingEpisode.objects.create(
            owning_agency=owner, child=cls.child, missing_from=MissingFrom.HOME,
            reported_at=aware("2026-02-20T21:00"), police_risk_grade="medium")
        cls.concern = Concern.objects.create(
            owning_agency=owner, child=cls.child, kind=HarmKind.FGM,
            identified_on=date(2026, 2, 26), summary="Known FGM disclosed to the school nurse.")
        FgmDetail.objects.create(concern=cls.concern, how_known="disclosed",
                                 reporter_name="School nurse", reporter_profession="health")
        cls.referral = Referral.objects.create(
            owning_agency=owner, child=cls.child, received_at=aware("2026-02-27T15:00"),
            referrer="School", concern="Older associates", rag=Rag.AMBER,
            decision_due=date(2026, 3, 2))
        cls.notice = WarningNotice.objects.create(
            owning_agency=owner, adult=cls.adult, served_at=aware("2025-06-01T12:00"),
            served_by=cls.alice, served_by_name="PC Test 1234", review_due=date(2025, 12, 1))
        link = NoticeChild(notice=cls.notice, child=cls.child, basis="caa1984_s2",
                           age_when_served=14)
        link.set_protection()  # the stored lapse (protection_ends) the models now need
        link.save()
        cls.panel = PanelMeeting.objects.create(owning_agency=owner, title="MACE North",
                                                held_on=date(2026, 2, 1))
        cls.action = PanelAction.objects.create(
            meeting=cls.panel, description="Visit the school", owner=cls.bob,
            owner_agency=cls.partner_agency, due_on=date(2026, 2, 20))

    def share_all(self, agency: Agency | None = None) -> None:
        for obj in (self.child, self.adult, self.assessment, self.episode, self.concern,
                    self.referral, self.notice, self.panel):
            self.share_with(obj, agency)

    def shares_of(self, obj: models.Model) -> models.QuerySet[Share]:
        return Share.objects.filter(content_type=ContentType.objects.get_for_model(obj),
                                    object_id=obj.pk)

    def make_user(self, username: str, agency: Agency, role: str) -> User:
        from ..base import make_user

        return make_user(username, agency, role)


def days(n: int) -> timedelta:
    return timedelta(days=n)
