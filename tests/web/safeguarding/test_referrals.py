"""Referrals: decided within 1 working day, assessments within 45, counted with the bank
holidays of England and Wales."""

from __future__ import annotations

from datetime import date
from typing import Any

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
            "concern": "Adults targeting the child", "rag": "red"})
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
        self.assertIn("Decision on the referral of 27 Feb 2026", overdue)  # due 2 March
        self.referral.decided_at = self.referral.received_at
        self.referral.outcome = "assessment"
        self.referral.assessment_due = date(2026, 3, 2)
        self.referral.save()
        overdue = self.client.get("/safeguarding/work/overdue/").content.decode()
        self.assertNotIn("Decision on the referral", overdue)
        self.assertIn("Assessment after the referral of 27 Feb 2026", overdue)

    def test_the_list_shows_those_awaiting_a_decision(self) -> None:
        self.login(self.alice)
        page = self.client.get("/safeguarding/referrals/")
        self.assertContains(page, "due 2 Mar 2026 <span class=\"flag\">overdue</span>")
        self.assertAudited(Action.VIEW, None, actor=self.alice, page="referrals", show="open")


LATER = "2026-07-31T10:00:00+01:00"


@override_settings(SAFEGUARDING_NOW=LATER)
class ChildProtectionPathTests(RegisterTestCase):
    """Working Together 2023: strategy discussion, s47 enquiry, the initial conference
    within 15 working days of the discussion, the first core group within 10 working days
    of the conference, the first review within 3 months; the 45-working-day assessment
    clock kept beside them (it was set to none before)."""

    def decide_strategy(self) -> None:
        self.client.post(f"/safeguarding/referrals/{self.referral.pk}/decide/",
                         {"outcome": "strategy_discussion"})

    def steps(self, **data: str) -> Any:
        return self.client.post(
            f"/safeguarding/referrals/{self.referral.pk}/child-protection/", data)

    def test_a_strategy_discussion_keeps_the_assessment_clock(self) -> None:
        self.login(self.alice)
        self.decide_strategy()
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.assessment_due, date(2026, 5, 6))

    def test_the_clocks_across_the_easter_and_may_bank_holidays(self) -> None:
        self.login(self.alice)
        self.decide_strategy()
        # Thursday 26 March: Good Friday (3 April) and Easter Monday (6 April) skipped.
        self.steps(strategy_discussion_on="2026-03-26", s47_started_on="2026-03-26")
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.icpc_due, date(2026, 4, 20))
        self.assertIsNone(self.referral.core_group_due)
        response = self.steps(strategy_discussion_on="2026-03-26",
                              s47_started_on="2026-03-26", s47_outcome="conference",
                              icpc_held_on="2026-04-17", icpc_outcome="plan")
        self.assertEqual(response.status_code, 302)
        self.referral.refresh_from_db()
        # Friday 17 April + 10 working days: Friday 1 May (the May bank holiday is the 4th).
        self.assertEqual((self.referral.core_group_due, self.referral.rcpc_due),
                         (date(2026, 5, 1), date(2026, 7, 17)))
        self.assertAudited(Action.UPDATE, self.referral, icpc_due="2026-04-20",
                           core_group_due="2026-05-01", rcpc_due="2026-07-17")
        overdue = self.client.get("/safeguarding/work/overdue/").content.decode()
        self.assertIn("First core group meeting after the strategy discussion of 26 Mar 2026",
                      overdue)
        self.assertIn("Review child protection conference after", overdue)
        self.assertNotIn("Initial child protection conference after", overdue)

    def test_no_conference_stops_the_clock(self) -> None:
        self.login(self.alice)
        self.decide_strategy()
        self.steps(strategy_discussion_on="2026-03-26", s47_started_on="2026-03-27",
                   s47_outcome="no_conference")
        self.referral.refresh_from_db()
        self.assertIsNone(self.referral.icpc_due)

    def test_steps_out_of_order_are_refused(self) -> None:
        self.login(self.alice)
        self.decide_strategy()
        for data, message in (
            ({"s47_started_on": "2026-03-26"}, "Give the date of the strategy discussion"),
            ({"strategy_discussion_on": "2026-03-26", "s47_started_on": "2026-03-25"},
             "Dated before the strategy discussion"),
            ({"strategy_discussion_on": "2026-02-20"}, "before the referral came in"),
            ({"strategy_discussion_on": "2026-08-01"}, "in the future"),
            ({"strategy_discussion_on": "2026-03-26", "s47_started_on": "2026-03-26",
              "icpc_held_on": "2026-04-17"}, "Give the conference&#x27;s decision"),
            ({"strategy_discussion_on": "2026-03-26", "s47_started_on": "2026-03-26",
              "icpc_held_on": "2026-04-17", "icpc_outcome": "no_plan",
              "core_group_held_on": "2026-04-30"}, "follow a child protection plan"),
        ):
            with self.subTest(data=data):
                self.assertContains(self.steps(**data), message, status_code=400)

    def test_the_path_needs_a_strategy_discussion_outcome(self) -> None:
        self.login(self.alice)
        response = self.steps(strategy_discussion_on="2026-03-26")
        self.assertRedirects(response, f"/safeguarding/referrals/{self.referral.pk}/",
                             fetch_redirect_response=False)
        self.referral.refresh_from_db()
        self.assertIsNone(self.referral.strategy_discussion_on)


@override_settings(SAFEGUARDING_NOW=NOW)
class LanguageCheckTests(RegisterTestCase):
    """The register's free text is checked for victim-blaming phrases (language.py): the
    writer sees the alternative and keeps the wording only by ticking the box."""

    def test_a_referral_that_blames_the_child_is_questioned_then_kept_if_confirmed(self) -> None:
        self.login(self.alice)
        url = f"/safeguarding/children/{self.child.pk}/referrals/new/"
        data = {"received_at": "2026-03-02T16:30", "referrer": "School DSL",
                "concern": "She is sexually active with adults she meets in town.",
                "rag": "red"}
        self.justify(self.child)
        page = self.client.get(url).content.decode()
        self.assertIn('type="hidden" name="language_checked"', page)  # nothing to ask yet
        response = self.client.post(url, data)
        self.assertContains(response, "“sexually active” (in Concern): say", status_code=400)
        self.assertContains(response, 'type="checkbox" name="language_checked"',
                            status_code=400)
        self.assertFalse(Referral.objects.exclude(pk=self.referral.pk).exists())
        self.assertEqual(self.client.post(url, {**data, "language_checked": "on"}).status_code,
                         302)
        # A child's own words in quotation marks are recorded as said.
        quoted = {**data, "concern": 'She said she was "sexually active" and it was her choice.'}
        self.assertEqual(self.client.post(url, quoted).status_code, 302)
