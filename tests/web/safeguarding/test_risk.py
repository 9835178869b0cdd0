"""Risk screenings: tools as versioned data, scoring, overrides with a reason, reviews."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from safeguard.web.audit.models import Action
from safeguard.web.safeguarding.models import RiskAssessment, ScreeningTool
from safeguard.web.safeguarding.reference import TOOLS, load_screening_tool

from .base import NOW, RegisterTestCase, make_child

DOMAIN_INDICATORS = {
    "going-missing", "older-boyfriend", "cars-unknown-adults", "unexplained-gifts",
    "hotels-taxis-takeaways", "sti-pregnancy", "school-absence", "substance-misuse",
    "self-harm", "residential-care", "bnb-hostel",
}


@override_settings(SAFEGUARDING_NOW=NOW)
class ScreeningToolTests(RegisterTestCase):
    def test_the_shipped_tool_is_loaded_with_the_domain_indicators(self) -> None:
        tool = ScreeningTool.objects.get(slug="cse-screening", version=1)
        self.assertTrue(tool.illustrative)
        self.assertEqual(set(tool.indicators.values_list("code", flat=True)), DOMAIN_INDICATORS)
        self.assertEqual((tool.low_from, tool.medium_from, tool.high_from), (1, 6, 11))
        text = (TOOLS / "cse-screening-v1.toml").read_text()
        self.assertIn("WEIGHTS AND THRESHOLDS\n# ARE LOCAL CONFIGURATION", text)

    def test_loading_again_changes_nothing(self) -> None:
        before = ScreeningTool.objects.get(slug="cse-screening", version=1)
        self.assertEqual(load_screening_tool(TOOLS / "cse-screening-v1.toml"), before)
        self.assertEqual(ScreeningTool.objects.filter(slug="cse-screening").count(), 2)

    def test_a_published_version_never_changes(self) -> None:
        changed = Path(self.tmp()) / "changed.toml"
        changed.write_text((TOOLS / "cse-screening-v1.toml").read_text().replace(
            "weight = 3", "weight = 4", 1))
        with self.assertRaisesRegex(ImproperlyConfigured, "new version number"):
            load_screening_tool(changed)

    def test_a_new_version_replaces_the_old_for_new_screenings(self) -> None:
        newer = Path(self.tmp()) / "v3.toml"
        newer.write_text((TOOLS / "cse-screening-v2.toml").read_text().replace(
            "version = 2", "version = 3"))
        tool = load_screening_tool(newer)
        self.assertEqual(list(ScreeningTool.objects.filter(active=True, slug="cse-screening")),
                         [tool])
        # Old screenings keep the version they used.
        self.assertEqual(self.assessment.tool.version, 1)

    def tmp(self) -> str:
        import tempfile

        folder = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, folder)
        return folder


@override_settings(SAFEGUARDING_NOW=NOW)
class AssessmentTests(RegisterTestCase):
    def url(self) -> str:
        return f"/safeguarding/children/{self.child.pk}/risk/new/"

    def test_it_scores_and_grades_with_a_review_in_three_months(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url(), {
            "completed_on": "2026-03-03",
            "indicators": ["going-missing", "older-person-controlling"],  # 3 + 3
        })
        assessment = RiskAssessment.objects.latest("pk")
        self.assertRedirects(response, f"/safeguarding/risk/{assessment.pk}/",
                             fetch_redirect_response=False)
        self.assertEqual((assessment.score, assessment.calculated_grade, assessment.grade),
                         (6, "medium", "medium"))
        self.assertEqual(assessment.review_due, date(2026, 6, 3))
        self.assertEqual(assessment.indicators.count(), 2)
        self.assertAudited(Action.CREATE, assessment, actor=self.alice, score=6, grade="medium")

    def test_an_override_needs_a_reason_and_is_recorded(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url(), {
            "completed_on": "2026-03-03", "indicators": ["school-absence"],
            "override_grade": "high", "override_reason": "",
        })
        self.assertContains(response, '<a href="#id_override_reason">Reason for the override'
                            "</a>: Give the reason", status_code=400)
        reason = "Disclosed contact with an older adult; the score misses it."
        self.client.post(self.url(), {
            "completed_on": "2026-03-03", "indicators": ["school-absence"],
            "override_grade": "high", "override_reason": reason,
        })
        assessment = RiskAssessment.objects.latest("pk")
        self.assertEqual((assessment.calculated_grade, assessment.override_grade,
                          assessment.grade), ("low", "high", "high"))
        self.assertAudited(Action.CREATE, assessment, override_reason=reason,
                           calculated_grade="low", grade="high")

    def test_an_override_to_the_calculated_grade_is_refused(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url(), {
            "completed_on": "2026-03-03", "indicators": ["school-absence"],
            "override_grade": "low", "override_reason": "Same as the score says anyway.",
        })
        self.assertContains(response, "leave it empty", status_code=400)

    @override_settings(SAFEGUARDING_OVERRIDES={"risk_review_months": 1})
    def test_the_review_interval_is_a_setting(self) -> None:
        self.login(self.alice)
        self.client.post(self.url(), {"completed_on": "2026-01-31"})
        self.assertEqual(RiskAssessment.objects.latest("pk").review_due, date(2026, 2, 28))

    def test_the_grade_history_and_the_overdue_review(self) -> None:
        RiskAssessment.objects.create(
            owning_agency=self.owner_agency, child=self.child, tool=self.assessment.tool,
            completed_on=date(2025, 9, 1), score=12, calculated_grade="high", grade="high",
            review_due=date(2025, 12, 1))
        other = make_child(self.owner_agency, first_name="Zoe")
        RiskAssessment.objects.create(
            owning_agency=self.owner_agency, child=other, tool=self.assessment.tool,
            completed_on=date(2025, 11, 1), score=0, calculated_grade="no_current_risk",
            grade="no_current_risk", review_due=date(2026, 2, 1))
        self.login(self.alice)
        self.justify(self.child)
        page = self.client.get(f"/safeguarding/children/{self.child.pk}/").content.decode()
        history = page[page.index('id="grade-history"'):]
        self.assertLess(history.index("5 Jan 2026"), history.index("1 Sep 2025"))
        overdue = self.client.get("/safeguarding/work/overdue/").content.decode()
        reviews = overdue[overdue.index("Risk screening reviews"):overdue.index(
            "Return home interviews")]
        self.assertIn("Zoe Testchild", reviews)          # latest review 1 Feb: overdue
        self.assertNotIn("Ava Testchild", reviews)       # latest review 5 Apr: not yet

    def test_a_partner_records_a_screening_and_shares_it_back(self) -> None:
        self.share_with(self.child)
        self.login(self.bob)
        self.client.post(self.url(), {"completed_on": "2026-03-03",
                                      "indicators": ["self-harm"],
                                      "share-share_with_owner": "on"})
        assessment = RiskAssessment.objects.latest("pk")
        self.assertEqual(assessment.owning_agency, self.partner_agency)
        self.assertEqual(list(self.shares_of(assessment).values_list("agency", flat=True)),
                         [self.owner_agency.pk])
        self.assertAudited(Action.SHARE, assessment, actor=self.bob,
                           with_agency=self.owner_agency.name)
