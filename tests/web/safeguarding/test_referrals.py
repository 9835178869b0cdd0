"""Referrals: decided within 1 working day, assessments within 45, counted with the bank
holidays of England and Wales."""

from __future__ import annotations

from datetime import date

from django.test import override_settings

from safeguard.web.audit.models import Action
from safeguard.web.safeguarding.models import Referral

from .base import NOW, RegisterTestCase


@override_settings(SAFEGUARDING_NOW=NOW)
class ReferralTests(RegisterTestCase):
    def test_the_decision_is_due_the_next_working_day(self) -> None:
        self.login(self.alice)
        response = self.client.post(f"/safeguarding/children/{self.child.pk}/referrals/new/", {
            "received_at": "2026-04-02T16:30", "referrer": "School DSL",
            "concern": "Older boyfriend", "rag": "red"})
        referral = Referral.objects.latest("pk")
        self.assertEqual(response.status_code, 302)
        # Thursday before Easter: Good Friday and Easter Monday are bank holidays.
        self.assertEqual(referral.decision_due, date(2026, 4, 7))
        self.assertAudited(Action.CREATE, referral, decision_due="2026-04-07", rag="red")

    def test_an_assessment_falls_due_in_45_working_days(self) -> None:
        self.login(self.alice)
        url = f"/safeguarding/referrals/{self.referral.pk}/decide/"
        self.client.post(url, {"outcome": "assessment", "decision_notes": "Single assessment."})
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.decided_by, self.alice)
        # Received Friday 27 February 2026.
        self.assertEqual(self.referral.assessment_due, date(2026, 5, 6))
        self.assertAudited(Action.UPDATE, self.referral, outcome="assessment")
        response = self.client.post(url, {"outcome": "nfa",
                                          "assessment_completed_on": "2026-03-02"})
        self.assertContains(response, "Only an assessment is completed", status_code=400)

    def test_overdue_decisions_and_assessments(self) -> None:
        self.login(self.alice)
        overdue = self.client.get("/safeguarding/work/overdue/").content.decode()
        self.assertIn("Decision on the referral of 27/02/2026", overdue)  # due 2 March
        self.referral.decided_at = self.referral.received_at
        self.referral.outcome = "assessment"
        self.referral.assessment_due = date(2026, 3, 2)
        self.referral.save()
        overdue = self.client.get("/safeguarding/work/overdue/").content.decode()
        self.assertNotIn("Decision on the referral", overdue)
        self.assertIn("Assessment after the referral of 27/02/2026", overdue)

    def test_the_list_shows_those_awaiting_a_decision(self) -> None:
        self.login(self.alice)
        page = self.client.get("/safeguarding/referrals/")
        self.assertContains(page, "due 2 Mar 2026 <span class=\"flag\">overdue</span>")
        self.assertAudited(Action.VIEW, None, actor=self.alice, page="referrals", show="open")
