"""Facts already recorded suggest screening indicators (never ticked for the user), the
children nobody has screened although they carry the brief's risk factors, and the
review prompt when a fact arrives after the last screening."""

from __future__ import annotations

from datetime import date

from django.test import override_settings

from safeguard.web.safeguarding.models import (
    MissingEpisode,
    MissingFrom,
    NoticeBreach,
    Placement,
    RiskAssessment,
)

from .base import NOW, RegisterTestCase, aware, make_child


@override_settings(SAFEGUARDING_NOW=NOW)
class SuggestionTests(RegisterTestCase):
    def form(self, child_pk: int) -> str:
        return self.client.get(f"/safeguarding/children/{child_pk}/risk/new/").content.decode()

    def test_facts_suggest_indicators_with_their_source_and_stay_unticked(self) -> None:
        MissingEpisode.objects.create(
            owning_agency=self.owner_agency, child=self.child, missing_from=MissingFrom.HOME,
            reported_at=aware("2026-02-27T22:00"), found_at=aware("2026-02-28T03:00"),
            found_with="a man in a grey car")
        NoticeBreach.objects.create(notice=self.notice, child=self.child,
                                    occurred_at=aware("2026-02-10T20:00"), details="Seen.")
        self.child.placement = Placement.RESIDENTIAL
        self.child.save()
        self.login(self.alice)
        self.justify(self.child)
        page = self.form(self.child.pk)
        self.assertIn("Suggested: 2 missing episode(s) since", page)
        self.assertIn("Found with a man in a grey car on 28 Feb 2026", page)
        self.assertIn("Warning notice breach on 10 Feb 2026", page)
        self.assertIn("Placement: residential care", page)
        self.assertNotIn("checked", page[page.index('value="going-missing"') - 200:
                                         page.index('value="going-missing"') + 40])
        self.client.post(f"/safeguarding/children/{self.child.pk}/risk/new/", {
            "completed_on": "2026-03-03", "indicators": ["going-missing"]})
        kept = {(s["code"], s["confirmed"]) for s in
                RiskAssessment.objects.latest("pk").suggestions}
        self.assertIn(("going-missing", True), kept)
        self.assertIn(("residential-care", False), kept)
        self.assertIn(("older-person-controlling", False), kept)  # the breach

    def test_a_partner_gets_no_suggestion_from_a_record_it_cannot_open(self) -> None:
        self.share_with(self.child)  # the child, not its missing episode
        self.login(self.bob)
        self.justify(self.child)
        self.assertNotIn("missing episode(s) since", self.form(self.child.pk))
        self.share_with(self.episode)
        self.assertIn("missing episode(s) since", self.form(self.child.pk))

    @override_settings(SAFEGUARDING_OVERRIDES={"suggestion_window_days": 5})
    def test_only_facts_within_the_window_suggest(self) -> None:
        # The fixture's episode was reported on 20 February, 11 days before 3 March.
        self.login(self.alice)
        self.justify(self.child)
        self.assertNotIn("missing episode(s) since", self.form(self.child.pk))


@override_settings(SAFEGUARDING_NOW=NOW)
class UnscreenedTests(RegisterTestCase):
    def section(self, title: str) -> str:
        page = self.client.get("/safeguarding/work/overdue/").content.decode()
        start = page.index(title)
        end = page.find("<h2", start)
        return page[start:end if end > 0 else None]

    def test_children_with_two_risk_factors_and_no_recent_screening(self) -> None:
        # Today 3 March 2026. Aged 13 to 15: born 4 March 2010 to 3 March 2013.
        make_child(self.owner_agency, first_name="Thirteen", date_of_birth=date(2013, 3, 3),
                   placement=Placement.RESIDENTIAL)
        make_child(self.owner_agency, first_name="Twelve", date_of_birth=date(2013, 3, 4),
                   placement=Placement.RESIDENTIAL)
        make_child(self.owner_agency, first_name="Fifteen", date_of_birth=date(2010, 3, 4),
                   placement=Placement.RESIDENTIAL)
        make_child(self.owner_agency, first_name="Sixteen", date_of_birth=date(2010, 3, 3),
                   placement=Placement.RESIDENTIAL)
        make_child(self.owner_agency, first_name="Athome", date_of_birth=date(2012, 1, 1))
        self.login(self.alice)
        listed = self.section("Children with risk factors, not screened")
        self.assertIn("Thirteen Testchild", listed)
        self.assertIn("Fifteen Testchild", listed)
        self.assertIn("living in residential care, aged 13", listed)
        for name in ("Twelve", "Sixteen", "Athome"):
            self.assertNotIn(f"{name} Testchild", listed)

    def test_a_screening_within_the_months_takes_a_child_off_the_list(self) -> None:
        child = make_child(self.owner_agency, first_name="Screened",
                           date_of_birth=date(2012, 1, 1), placement=Placement.RESIDENTIAL)
        RiskAssessment.objects.create(
            owning_agency=self.owner_agency, child=child, tool=self.assessment.tool,
            completed_on=date(2025, 12, 3), score=1, calculated_grade="low", grade="low",
            review_due=date(2026, 3, 3))
        self.login(self.alice)
        self.assertNotIn("Screened Testchild", self.section("Children with risk factors"))
        RiskAssessment.objects.filter(child=child).update(completed_on=date(2025, 12, 2))
        self.assertIn("last screened 2 Dec 2025",
                      self.section("Children with risk factors"))

    def test_a_new_fact_after_the_screening_prompts_its_review(self) -> None:
        self.login(self.alice)
        # The fixture's screening is of 5 January, its episode of 20 February and its FGM
        # concern of 26 February.
        self.assertIn("missing episode of 20 Feb 2026, harm concern of 26 Feb 2026",
                      self.section("Screenings to review: new facts"))
        self.justify(self.child)
        page = self.client.get(f"/safeguarding/children/{self.child.pk}/")
        self.assertContains(page, 'id="review-prompt"')
        self.assertContains(page, "Female genital mutilation concern of 26 Feb 2026")
        RiskAssessment.objects.filter(pk=self.assessment.pk).update(
            completed_on=date(2026, 2, 26))
        self.assertNotIn("Ava Testchild", self.section("Screenings to review: new facts"))
        page = self.client.get(f"/safeguarding/children/{self.child.pk}/")
        self.assertNotContains(page, 'id="review-prompt"')
