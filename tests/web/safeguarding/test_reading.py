"""How the register's pages read to a newcomer (issue 14): where a missing child was found,
an adult's links to children, a record's buttons, the caseload's order and grades."""

from __future__ import annotations

from datetime import date

from django.test import override_settings

from safeguard.web.accounts.models import Role
from safeguard.web.safeguarding.models import (
    LinkedPerson,
    Relationship,
    RiskAssessment,
    ScreeningTool,
)

from .base import NOW, RegisterTestCase, aware, make_child


@override_settings(SAFEGUARDING_NOW=NOW)
class ReadingTests(RegisterTestCase):
    def test_where_a_child_was_found_is_its_own_line(self) -> None:
        self.episode.found_at = aware("2026-02-21T08:30")
        self.episode.where_found = "near a takeaway"
        self.episode.found_with = "two older boys"
        self.episode.save()
        self.login(self.alice)
        self.justify(self.child)  # an episode is part of the child's record
        page = self.client.get(f"/safeguarding/missing/{self.episode.pk}/").content.decode()
        self.assertIn('<dd id="found">21 Feb 2026 08:30</dd>', page)
        self.assertIn('<dt>Where found</dt><dd id="where-found">Near a takeaway</dd>', page)
        self.assertIn('<dd id="found-with">two older boys</dd>', page)
        self.assertNotIn("at near", page)

    def test_an_adults_children_say_how_they_are_linked(self) -> None:
        other = make_child(self.owner_agency, first_name="Bea")
        LinkedPerson.objects.create(child=self.child, adult=self.adult,
                                    relationship=Relationship.ADULT_OF_CONCERN)
        LinkedPerson.objects.create(child=other, adult=self.adult,
                                    relationship=Relationship.PARENT, notes="Not at home")
        self.login(self.alice)
        self.justify(self.adult)
        page = self.client.get(f"/safeguarding/adults/{self.adult.pk}/").content.decode()
        linked = page.split('id="children-linked">')[1].split("</ul>")[0]
        self.assertNotIn("(Adult of concern)", linked)
        self.assertIn(f"{self.child}</a> <span class=\"muted\">(aged 14, Stoke-on-Trent)"
                      "</span></li>", linked)
        self.assertIn("</span>: this adult is a parent of the child. Not at home</li>", linked)

    def test_a_records_buttons_share_one_line(self) -> None:
        self.login(self.alice)
        self.justify(self.child)
        page = self.client.get(f"/safeguarding/children/{self.child.pk}/").content.decode()
        bar = page.split('<div class="record-bar">')[1].split('<div class="panel">')[0]
        self.assertIn(">Sharing</a>", bar)
        self.assertIn(">Change details</a>", bar)

    def test_the_caseload_puts_the_most_urgent_first_with_grade_badges(self) -> None:
        self.set_role(self.alice, Role.PRACTITIONER)
        tool = ScreeningTool.objects.get(slug="cse-screening", version=1)

        def lead(first: str, grade: str | None, review_due: date | None) -> None:
            child = make_child(self.owner_agency, first_name=first, last_name="Case",
                               lead_practitioner=self.alice)
            if grade is not None:
                RiskAssessment.objects.create(
                    owning_agency=self.owner_agency, child=child, tool=tool,
                    completed_on=date(2026, 1, 5), completed_by=self.alice, score=1,
                    calculated_grade=grade, grade=grade, review_due=review_due)

        lead("Amy", "low", date(2026, 3, 1))          # low, overdue
        lead("Ben", "high", date(2026, 6, 1))         # high, due later
        lead("Cal", None, None)                       # not screened
        lead("Dee", "high", date(2026, 3, 2))         # high, overdue
        lead("Eve", "medium", date(2026, 4, 1))
        lead("Fay", "high", date(2026, 5, 1))         # high, due sooner
        self.login(self.alice)
        page = self.client.get("/safeguarding/work/caseload/").content.decode()
        table = page.split('id="caseload"')[1].split("</table>")[0]
        order = [name for name in ("Dee", "Fay", "Ben", "Eve", "Amy", "Cal")
                 if f"{name} Case" in table]
        self.assertEqual(order, ["Dee", "Fay", "Ben", "Eve", "Amy", "Cal"])
        positions = [table.index(f"{name} Case") for name in order]
        self.assertEqual(positions, sorted(positions))
        self.assertIn('<span class="grade grade-high">High</span>', table)
        self.assertIn('<span class="muted">Not screened</span>', table)
