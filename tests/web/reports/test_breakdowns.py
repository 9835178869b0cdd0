"""Breakdowns by sex and ethnic group (breakdowns.py): fixed periods only, the stricter
threshold, completeness, against a hand-counted register."""

from __future__ import annotations

from datetime import date

from django.test import override_settings

from safeguard.web.safeguarding.models import RiskAssessment, ScreeningTool
from safeguard.web.safeguarding.reference import load_reference_data
from safeguard.web.statistics import breakdowns, committee
from safeguard.web.statistics.figures import compute
from safeguard.web.statistics.periods import Period
from safeguard.web.statistics.suppression import Cell, State

from ..base import WebTestCase
from ..safeguarding.base import make_child

Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))


def test_only_calendar_quarters_and_years_are_fixed() -> None:
    assert breakdowns.fixed(Q1)
    assert breakdowns.fixed(Period(date(2025, 10, 1), date(2025, 12, 31)))
    assert breakdowns.fixed(Period(date(2025, 1, 1), date(2025, 12, 31)))
    assert not breakdowns.fixed(Period(date(2026, 2, 1), date(2026, 4, 30)))
    assert not breakdowns.fixed(Period(date(2026, 1, 15), date(2026, 3, 31)))
    assert not breakdowns.fixed(Period(date(2025, 4, 1), date(2026, 3, 31)))  # not calendar
    assert not breakdowns.fixed(Period(date(2026, 1, 1), date(2026, 1, 31)))


@override_settings(SAFEGUARDING_NOW="2026-04-15T10:00:00+00:00")
class BreakdownTests(WebTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        load_reference_data()
        tool = ScreeningTool.objects.get(slug="cse-screening", version=1)
        # Graded high on 1 Feb 2026, at risk at 31 March (hand count):
        #   female: 8 White British, 2 Pakistani, 1 not stated = 11; male: 2 White British
        #   by sex 11 / 2 / 0 / 0 = 13; by group Asian 2, White 10, not stated 1 = 13.
        # Not counted: a girl who turned 18 on 1 Jan 2026 (aged out), and a boy whose
        # latest screening found no current risk.
        people = ([("female", "white_british")] * 8 + [("female", "asian_pakistani")] * 2
                  + [("female", "not_stated"), ("male", "white_british"),
                     ("male", "white_british")])
        for index, (sex, ethnicity) in enumerate(people):
            cls.screen(tool, make_child(cls.owner_agency, first_name=f"Child{index}",
                                        gender=sex, ethnicity=ethnicity), "high")
        cls.screen(tool, make_child(cls.owner_agency, first_name="Adult", gender="female",
                                    ethnicity="white_british",
                                    date_of_birth=date(2008, 1, 1)), "high")
        cls.screen(tool, make_child(cls.owner_agency, first_name="Safe", gender="male"),
                   "no_current_risk")

    @classmethod
    def screen(cls, tool: ScreeningTool, child: object, grade: str) -> None:
        RiskAssessment.objects.create(
            owning_agency=cls.owner_agency, child=child, tool=tool,
            completed_on=date(2026, 2, 1), completed_by=cls.alice, score=12,
            calculated_grade=grade, grade=grade, review_due=date(2026, 5, 1))

    def test_the_tables_as_counted_by_hand(self) -> None:
        sex, ethnic, adults = breakdowns.build(Q1)
        self.assertEqual([(label, cell.text) for label, cell in sex.rows],
                         [("Female", "11"), ("Male", "<10"),
                          ("Other (self-described)", "<10"), ("Not known", "<10")])
        self.assertEqual(sex.total.text, "13")
        self.assertEqual(sex.completeness, "–")  # the "not known" row is not published
        self.assertEqual([cell.text for _, cell in ethnic.rows],
                         ["<10", "<10", "<10", "10", "<10", "<10"])
        self.assertEqual(ethnic.total.text, "13")
        # The same children as the figures' "children at risk".
        self.assertEqual(compute(Q1)["children_at_risk"].total, 13)
        self.assertFalse(adults.anything_shown)  # no arrest: every count below 10

    def test_completeness_where_the_unknown_row_is_published(self) -> None:
        table = breakdowns.Breakdown("t", [], Cell(40, threshold=10), Cell(10, threshold=10))
        self.assertEqual(table.completeness, "75%")
        hidden = breakdowns.Breakdown("t", [], Cell(40), Cell(3, State.PRIMARY, 10))
        self.assertEqual(hidden.completeness, "–")

    def test_the_report_prints_them_for_a_quarter_only(self) -> None:
        html = committee.render_html(committee.build(Q1))
        self.assertIn("Children at risk at the end, by sex", html)
        self.assertIn("&lt;10", html)
        self.assertIn("No table of adults of concern arrested, by sex", html)
        self.assertIn("does not record a child&#x27;s disability", html)
        other = committee.render_html(committee.build(Period(date(2026, 1, 15),
                                                              date(2026, 3, 31))))
        self.assertIn('id="breakdowns-not-fixed"', other)
        self.assertNotIn("Children at risk at the end, by sex", other)
