"""Harms: a concern with its kind's own fields; trafficking decisions; FGM deadlines."""

from __future__ import annotations

from datetime import date

from django.test import override_settings

from safeguard.web.audit.models import Action
from safeguard.web.safeguarding.models import (
    Concern,
    FgmDetail,
    ForcedMarriageDetail,
    HarmKind,
    TraffickingDetail,
)

from .base import NOW, RegisterTestCase


@override_settings(SAFEGUARDING_NOW=NOW)
class HarmTests(RegisterTestCase):
    def create(self, kind: str, **detail: str) -> object:
        if kind == "trafficking":  # the form's selects, as a browser sends them
            detail = {"reasonable_grounds": "pending", "conclusive_grounds": "pending", **detail}
        data = {"status": "open", "identified_on": "2026-03-02", "summary": "Worry.",
                **{f"detail-{k}": v for k, v in detail.items()}}
        return self.client.post(f"/safeguarding/children/{self.child.pk}/concerns/new/{kind}/",
                                data)

    def test_each_kind_has_its_own_details(self) -> None:
        self.login(self.alice)
        self.create("trafficking", exploitation="criminal", nrm_referred_on="2026-03-02")
        concern = Concern.objects.latest("pk")
        self.assertEqual(concern.kind, HarmKind.TRAFFICKING)
        self.assertIsInstance(concern.detail, TraffickingDetail)
        self.assertAudited(Action.CREATE, concern, kind="trafficking")
        self.create("forced_marriage", protection_order="granted",
                    order_applied_on="2026-03-01", order_granted_on="2026-03-02")
        detail = Concern.objects.latest("pk").detail
        assert isinstance(detail, ForcedMarriageDetail)
        self.assertEqual(detail.order_granted_on, date(2026, 3, 2))
        self.create("missing")
        self.assertIsNone(Concern.objects.latest("pk").detail)

    def test_trafficking_decisions_follow_in_order(self) -> None:
        self.login(self.alice)
        response = self.create("trafficking", exploitation="sexual",
                               conclusive_grounds="positive", conclusive_grounds_on="2026-03-02")
        self.assertContains(response, "follows a positive reasonable grounds decision",
                            status_code=400)
        response = self.create("trafficking", exploitation="sexual",
                               reasonable_grounds="positive")
        self.assertContains(response, "Give the date of the decision", status_code=400)
        self.assertContains(response, "give the referral date", status_code=400)
        response = self.create("trafficking", exploitation="sexual",
                               nrm_referred_on="2026-02-10", reasonable_grounds="positive",
                               reasonable_grounds_on="2026-02-01")
        self.assertContains(response, "dated before the referral", status_code=400)
        self.assertEqual(self.create("trafficking", exploitation="sexual",
                                     nrm_referred_on="2026-02-10", reasonable_grounds="positive",
                                     reasonable_grounds_on="2026-02-15",
                                     conclusive_grounds="positive",
                                     conclusive_grounds_on="2026-03-01").status_code, 302)

    def test_a_closed_concern_needs_its_date(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            f"/safeguarding/children/{self.child.pk}/concerns/new/cse/",
            {"status": "closed", "identified_on": "2026-03-02", "summary": "x"})
        self.assertContains(response, '<a href="#id_closed_on">Closed on</a>: A closed concern '
                            "needs the date it closed.", status_code=400)

    def test_the_fgm_report_deadline_and_its_overdue_flag(self) -> None:
        # Identified Thursday 26 February 2026: report by the end of Friday 27th.
        self.login(self.alice)
        self.justify(self.child)
        page = self.client.get(f"/safeguarding/concerns/{self.concern.pk}/")
        self.assertContains(page, "Report to police by the end of Friday 27 Feb 2026")
        self.assertContains(page, "one month at most: 26 Mar 2026")
        self.assertContains(page, "Report overdue")
        overdue = self.client.get("/safeguarding/work/overdue/")
        self.assertContains(overdue, "FGM report to police</a>")
        with override_settings(SAFEGUARDING_NOW="2026-03-27T09:00:00+00:00"):
            self.assertContains(self.client.get(f"/safeguarding/concerns/{self.concern.pk}/"),
                                "Past the one-month limit")
        FgmDetail.objects.filter(concern=self.concern).update(
            reported_to_police_on=date(2026, 2, 27))
        self.assertNotContains(self.client.get("/safeguarding/work/overdue/"),
                               "FGM report to police</a>")

    def test_a_concern_changes_with_its_details_audited(self) -> None:
        self.login(self.alice)
        response = self.client.post(f"/safeguarding/concerns/{self.concern.pk}/edit/", {
            "status": "open", "identified_on": "2026-02-26", "summary": "Known FGM.",
            "detail-case_type": "known", "detail-how_known": "disclosed",
            "detail-reporter_name": "School nurse", "detail-reporter_profession": "health",
            "detail-reported_to_police_on": "2026-02-27", "detail-protection_order": "none"})
        self.assertEqual(response.status_code, 302)
        event = self.assertAudited(Action.UPDATE, self.concern, actor=self.alice)
        self.assertIn("detail.reported_to_police_on", event.details["fields"])
