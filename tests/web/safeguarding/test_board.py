"""The partnership's due and overdue board: counts per clock and agency over every record
on the platform, for supervisors and analysts; counts only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.test import override_settings

from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action
from safeguard.web.safeguarding.models import (
    Concern,
    Decision,
    EpisodeType,
    ForcedMarriageDetail,
    HarmKind,
    LegalStatus,
    MissingEpisode,
    MissingFrom,
    Rag,
    Referral,
    TraffickingDetail,
)

from .base import NOW, TODAY, RegisterTestCase, aware, make_child

URL = "/safeguarding/work/board/"


@override_settings(SAFEGUARDING_NOW=NOW)
class BoardTests(RegisterTestCase):
    def setUp(self) -> None:
        # The performance group: a supervisor of the police, an analyst of the health
        # agency, which owns none of the records.
        self.supervisor = self.make_user("sue", self.owner_agency, Role.SUPERVISOR)
        self.analyst = self.make_user("ann", self.outsider_agency, Role.ANALYST)
        self.council_child = make_child(self.partner_agency, first_name="Cleo")

    def decision_due(self, agency: Any, due: date) -> None:
        child = self.child if agency == self.owner_agency else self.council_child
        Referral.objects.create(owning_agency=agency, child=child,
                                received_at=aware("2026-03-01T10:00"), referrer="School",
                                concern="Synthetic", rag=Rag.GREEN, decision_due=due)

    def board(self, user: Any = None) -> dict[str, Any]:
        self.login(user or self.analyst)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        return {row["key"]: {agency.name: (cell.overdue, cell.soon)
                             for agency, cell in zip(response.context["agencies"],
                                                     row["cells"], strict=True)}
                for row in response.context["rows"]}

    def test_counts_per_agency_over_every_record(self) -> None:
        self.decision_due(self.partner_agency, TODAY - timedelta(days=1))
        self.decision_due(self.partner_agency, TODAY + timedelta(days=2))
        rows = self.board()
        police, council = self.owner_agency.name, self.partner_agency.name
        # The fixture: a referral decision due yesterday, an FGM report due 27 February,
        # a notice review due in December (police); a panel action owned by the council.
        self.assertEqual(rows["referral_decisions"][police], (1, 0))
        self.assertEqual(rows["referral_decisions"][council], (1, 1))
        self.assertEqual(rows["fgm_reports"][police], (1, 0))
        self.assertEqual(rows["notice_reviews"][police], (1, 0))
        self.assertEqual(rows["panel_actions"][council], (1, 0))
        self.assertEqual(rows["panel_actions"][police], (0, 0))
        self.assertEqual(rows["risk_reviews"][police], (0, 0))  # due 5 April: 33 days away
        self.assertEqual(set(rows), {
            "referral_decisions", "assessments", "icpc", "core_groups", "rcpc",
            "return_interviews", "prevention_interviews", "fgm_reports", "nrm_reasonable",
            "nrm_conclusive", "order_expiries", "risk_reviews", "notice_reviews",
            "panel_actions"})

    def test_counts_only_no_names_and_no_links_to_records(self) -> None:
        self.login(self.analyst)
        page = self.client.get(URL).content.decode()
        for text in ("Ava Testchild", "Cleo", "Visit the school", "Victor",
                     f"/safeguarding/referrals/{self.referral.pk}/"):
            self.assertNotIn(text, page)
        self.assertIn(self.owner_agency.name, page)
        self.assertAudited(Action.VIEW, None, actor=self.analyst, page="due and overdue board",
                           overdue=3 + 1)  # decision, FGM, notice; the council's action

    def test_due_soon_runs_to_the_last_day_of_the_window(self) -> None:
        Referral.objects.all().delete()
        for offset in (-1, 0, 7, 8):
            self.decision_due(self.partner_agency, TODAY + timedelta(days=offset))
        council = self.partner_agency.name
        self.assertEqual(self.board()["referral_decisions"][council], (1, 2))  # 0 and 7
        with override_settings(SAFEGUARDING_OVERRIDES={"due_soon_days": 8}):
            self.assertEqual(self.board()["referral_decisions"][council], (1, 3))

    def test_the_return_interview_counts_by_the_hour_and_away_episodes_by_setting(self) -> None:
        MissingEpisode.objects.filter(pk=self.episode.pk).update(
            found_at=aware("2026-02-28T09:00"), returned_at=aware("2026-02-28T10:00"))
        looked_after = make_child(self.partner_agency, legal_status=LegalStatus.CARE_ORDER)
        MissingEpisode.objects.create(
            owning_agency=self.partner_agency, child=looked_after,
            episode_type=EpisodeType.AWAY, missing_from=MissingFrom.CARE_PLACEMENT,
            reported_at=aware("2026-02-20T21:00"), returned_at=aware("2026-02-21T09:00"))
        police, council = self.owner_agency.name, self.partner_agency.name
        rows = self.board()
        self.assertEqual(rows["return_interviews"][police], (0, 1))  # due now, 10:00
        self.assertEqual(rows["return_interviews"][council], (0, 0))  # away: not owed
        self.assertEqual(rows["prevention_interviews"][police], (1, 0))  # owed on return
        self.assertEqual(rows["prevention_interviews"][council], (0, 0))
        with override_settings(SAFEGUARDING_NOW="2026-03-03T10:01:00+00:00",
                               SAFEGUARDING_OVERRIDES={"away_episodes_owe_interview": True}):
            rows = self.board()
            self.assertEqual(rows["return_interviews"][police], (1, 0))
            self.assertEqual(rows["return_interviews"][council], (1, 0))

    def test_orders_and_nrm_decisions(self) -> None:
        fm = Concern.objects.create(owning_agency=self.partner_agency, child=self.council_child,
                                    kind=HarmKind.FORCED_MARRIAGE,
                                    identified_on=date(2026, 1, 2), summary="Synthetic.")
        ForcedMarriageDetail.objects.create(
            concern=fm, protection_order="granted", order_applied_on=date(2026, 1, 3),
            order_granted_on=date(2026, 1, 5), order_expires_on=date(2026, 3, 10))
        nrm = Concern.objects.create(owning_agency=self.owner_agency, child=self.child,
                                     kind=HarmKind.TRAFFICKING,
                                     identified_on=date(2026, 2, 20), summary="Synthetic.")
        # Referred Friday 20 February: the fifth working day is Friday 27th.
        TraffickingDetail.objects.create(concern=nrm, exploitation="labour",
                                         nrm_referred_on=date(2026, 2, 20))
        rows = self.board()
        self.assertEqual(rows["order_expiries"][self.partner_agency.name], (0, 1))
        self.assertEqual(rows["nrm_reasonable"][self.owner_agency.name], (1, 0))
        TraffickingDetail.objects.filter(concern=nrm).update(
            reasonable_grounds=Decision.POSITIVE, reasonable_grounds_on=date(2026, 2, 27))
        rows = self.board()
        self.assertEqual(rows["nrm_reasonable"][self.owner_agency.name], (0, 0))
        self.assertEqual(rows["nrm_conclusive"][self.owner_agency.name], (0, 0))  # 29 March

    def test_supervisors_and_analysts_only(self) -> None:
        for user in (self.alice, self.bob, self.charlie):  # investigator, practitioners
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 403)
                self.assertAudited(Action.ACCESS_DENIED, None, actor=user, status=403)
                self.assertNotContains(self.client.get("/safeguarding/"), 'id="board-link"')
        self.board(self.supervisor)
        self.assertContains(self.client.get("/safeguarding/"), 'id="board-link"')
        self.set_role(self.supervisor, Role.ADMINISTRATOR)  # outside the register
        self.assertEqual(self.client.get(URL).status_code, 403)
