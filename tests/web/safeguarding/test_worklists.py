"""Work lists: overdue of every kind, the caseload, grades per district; the areas table."""

from __future__ import annotations

from datetime import date

from django.test import override_settings

from safeguard.web.audit.models import Action
from safeguard.web.core.models import Area
from safeguard.web.safeguarding.models import MissingEpisode, RiskAssessment

from .base import NOW, RegisterTestCase, aware, make_child

STAFFORDSHIRE = {
    "E07000192": "Cannock Chase", "E07000193": "East Staffordshire", "E07000194": "Lichfield",
    "E07000195": "Newcastle-under-Lyme", "E07000196": "South Staffordshire",
    "E07000197": "Stafford", "E07000198": "Staffordshire Moorlands", "E07000199": "Tamworth",
    "E06000021": "Stoke-on-Trent",
}


@override_settings(SAFEGUARDING_NOW=NOW)
class WorklistTests(RegisterTestCase):
    def test_the_areas_table_holds_the_staffordshire_districts(self) -> None:
        self.assertEqual(dict(Area.objects.values_list("ons_code", "name")), STAFFORDSHIRE)
        self.assertEqual(Area.objects.get(ons_code="E06000021").towns[:2], ["Hanley", "Burslem"])

    def test_everything_overdue_in_one_list(self) -> None:
        RiskAssessment.objects.filter(pk=self.assessment.pk).update(review_due=date(2026, 3, 1))
        MissingEpisode.objects.filter(pk=self.episode.pk).update(
            found_at=aware("2026-02-21T08:00"), returned_at=aware("2026-02-21T09:00"))
        self.login(self.alice)
        page = self.client.get("/safeguarding/work/overdue/").content.decode()
        for heading in ("Risk screening reviews (1)", "Return home interviews (1)",
                        "Referral decisions (1)", "Panel actions (1)",
                        "Warning notice reviews (1)", "FGM reports to police (1)",
                        "Assessments (0)"):
            self.assertIn(heading, page)
        event = self.assertAudited(Action.VIEW, None, actor=self.alice, page="overdue")
        self.assertEqual(event.details["Panel actions"], 1)

    def test_overdue_holds_only_what_the_agency_may_see(self) -> None:
        self.login(self.charlie)
        page = self.client.get("/safeguarding/work/overdue/").content.decode()
        self.assertNotIn("Ava Testchild", page)
        self.assertNotIn("Visit the school", page)

    def test_grades_per_district(self) -> None:
        tamworth = Area.objects.get(ons_code="E07000199")
        for grade in ("high", "high"):
            child = make_child(self.owner_agency, district=tamworth)
            RiskAssessment.objects.create(
                owning_agency=self.owner_agency, child=child, tool=self.assessment.tool,
                completed_on=date(2026, 2, 1), score=12, calculated_grade=grade, grade=grade,
                review_due=date(2026, 5, 1))
        make_child(self.owner_agency, district=tamworth)  # not screened
        self.login(self.alice)
        response = self.client.get("/safeguarding/work/grades/")
        table = response.context["rows"]
        rows = {row["area"].ons_code: dict(row["cells"]) for row in table}
        self.assertEqual(rows["E07000199"], {"no_current_risk": 0, "low": 0, "medium": 0,
                                             "high": 2, "none": 1})
        self.assertEqual(rows["E06000021"]["medium"], 1)
        self.assertEqual(response.context["total"], 4)
        self.assertContains(response, f"?district={tamworth.pk}&amp;grade=high")
        # An override counts as the grade in force.
        RiskAssessment.objects.filter(pk=self.assessment.pk).update(override_grade="high",
                                                                    grade="high")
        rows = {row["area"].ons_code: dict(row["cells"])
                for row in self.client.get("/safeguarding/work/grades/").context["rows"]}
        self.assertEqual(rows["E06000021"]["high"], 1)

    def test_the_caseload_is_the_childrens_lead(self) -> None:
        self.child.lead_practitioner = self.alice
        self.child.save()
        make_child(self.owner_agency, first_name="Other")
        self.login(self.alice)
        page = self.client.get("/safeguarding/work/caseload/").content.decode()
        self.assertIn("Ava Testchild", page)
        self.assertNotIn("Other Testchild", page)

    def test_the_home_page_links_the_register(self) -> None:
        self.login(self.bob)
        self.assertContains(self.client.get("/"), 'href="/safeguarding/"')
        self.set_role(self.bob, "image_reviewer")
        self.assertNotContains(self.client.get("/"), 'href="/safeguarding/"')
