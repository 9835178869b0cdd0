"""Rates per 10,000 children (rates.py) and the outcome measures (outcomes.py), against
records counted by hand, published exactly and suppressed; and the report's sections."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from pathlib import Path

from django.test import override_settings

from safeguard.web.core.models import Area
from safeguard.web.safeguarding.models import (
    Child,
    RiskAssessment,
    ScreeningTool,
)
from safeguard.web.safeguarding.reference import load_reference_data
from safeguard.web.statistics import outcomes, rates
from safeguard.web.statistics.committee import render_html
from safeguard.web.statistics.figures import compute
from safeguard.web.statistics.pdf import html_to_pdf
from safeguard.web.statistics.periods import Period
from safeguard.web.statistics.population import District, Population
from safeguard.web.statistics.publication import Publication, publish
from safeguard.web.statistics.suppression import Cell, State
from safeguard.web.statistics.timeliness import Step

from ..base import WebTestCase
from .fixtures import STAFFORD, STOKE, TAMWORTH
from .outcome_fixtures import OutcomeWorld
from .test_report import ink, pages_as_images, poppler

Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))


def publication(suppress: bool) -> Publication:
    return publish(compute(Q1), compute(Q1.previous()), suppress=suppress)


def table(counts: dict[str, int]) -> Population:
    return Population("Test children", 2024, "Test publisher", "Test licence", Path("t.toml"),
                      tuple(District(code, code, n, "test") for code, n in counts.items()))


@override_settings(SAFEGUARDING_NOW="2026-04-15T10:00:00+00:00")
class RateTests(WebTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        load_reference_data()
        tool = ScreeningTool.objects.get(slug="cse-screening", version=1)
        # At risk at 31 March 2026, by hand: Stoke 12, Tamworth 3, Stafford 6 = 21.
        # Not counted: in Stoke a child closed on 1 March and one who turned 18 on 1 March.
        placed = [(STOKE, 12), (TAMWORTH, 3), (STAFFORD, 6)]
        for code, many in placed:
            for index in range(many):
                cls.screen(tool, cls.child(code, f"{code}-{index}"))
        cls.screen(tool, cls.child(STOKE, "closed", closed_on=date(2026, 3, 1)))
        cls.screen(tool, cls.child(STOKE, "aged-out", date_of_birth=date(2008, 3, 1)))

    @classmethod
    def child(cls, code: str, name: str, **fields: object) -> Child:
        values: dict[str, object] = {"date_of_birth": date(2011, 5, 5)}
        values.update(fields)
        return Child.objects.create(owning_agency=cls.owner_agency, first_name=name,
                                    last_name="Ratechild", gender="female",
                                    district=Area.objects.get(ons_code=code), **values)

    @classmethod
    def screen(cls, tool: ScreeningTool, child: Child) -> None:
        RiskAssessment.objects.create(
            owning_agency=cls.owner_agency, child=child, tool=tool,
            completed_on=date(2026, 2, 1), score=12, calculated_grade="high", grade="high",
            review_due=date(2026, 5, 1))

    def others(self) -> list[str]:
        return sorted(Area.objects.filter(active=True).exclude(
            ons_code__in=[STOKE, TAMWORTH, STAFFORD]).values_list("ons_code", flat=True))

    def test_rates_as_counted_by_hand_and_suppressed(self) -> None:
        three = table({STOKE: 60000, TAMWORTH: 16000, STAFFORD: 24000})
        built = rates.build(publication(suppress=True), three)
        by_name = {row.name: row for row in built.rows}
        self.assertEqual(by_name["Stoke-on-Trent"].count.text, "12")
        self.assertEqual(by_name["Stoke-on-Trent"].rate, "2.0")     # 12 / 60,000 × 10,000
        self.assertEqual(by_name["Stafford"].rate, "2.5")           # 6 / 24,000 × 10,000
        # 3 children: "<5", and the rate, which would give the 3 back, is "<5" too.
        self.assertEqual(by_name["Tamworth"].rate, "<5")
        self.assertEqual(by_name["Stoke-on-Trent"].population_text, "60,000")
        self.assertEqual(built.count.text, "21")
        # Six districts have no population: no rate for them, nor for the whole area.
        self.assertEqual(len(built.missing), 6)
        self.assertEqual(built.rate, "–")
        self.assertIsNone(built.population)
        for name in built.missing:
            self.assertEqual(by_name[name].rate, "<5")  # their count (0) is suppressed first

    def test_the_whole_area_rate_when_every_district_has_a_population(self) -> None:
        others = self.others()
        self.assertEqual(len(others), 6)
        nine = table({STOKE: 60000, TAMWORTH: 16000, STAFFORD: 24000}
                     | dict.fromkeys(others, 10000))
        built = rates.build(publication(suppress=True), nine)
        self.assertEqual(built.missing, [])
        self.assertEqual(built.population, 160000)
        self.assertEqual(built.rate, "1.3")  # 21 / 160,000 × 10,000 = 1.3125
        exact = rates.build(publication(suppress=False), nine)
        by_name = {row.name: row for row in exact.rows}
        self.assertEqual(by_name["Tamworth"].rate, "1.9")  # 3 / 16,000 × 10,000 = 1.875
        self.assertEqual(by_name[Area.objects.get(ons_code=others[0]).name].rate, "0.0")

    def test_a_rate_never_shows_a_suppressed_count(self) -> None:
        self.assertEqual(rates.rate_text(Cell(3, State.PRIMARY), 16000), "<5")
        self.assertEqual(rates.rate_text(Cell(7, State.SECONDARY), 16000), "*")
        self.assertEqual(rates.rate_text(Cell(7), None), "–")
        self.assertEqual(rates.rate_text(Cell(7), 16000), "4.4")


@override_settings(SAFEGUARDING_NOW="2026-04-15T10:00:00+00:00")
class OutcomeTests(WebTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        OutcomeWorld(cls.owner_agency)

    def lines(self, suppress: bool) -> dict[str, outcomes.Line]:
        online = [Step("assessed", "Receipt to assessment", Cell(14), Cell(12), Cell(2), "–", "–"),
                  Step("actioned", "Receipt to action", Cell(14), Cell(9), Cell(5), "–", "–")]
        return {line.measure.key: line
                for line in outcomes.build(publication(suppress), online)}

    def test_the_measures_as_counted_by_hand(self) -> None:
        got = {key: (line.numerator.value, line.denominator.value, line.percent)
               for key, line in self.lines(suppress=False).items()}
        self.assertEqual(got, {
            "grade_reduced": (6, 12, "50%"),
            "interviews_offered": (9, 12, "75%"),
            "interviews_accepted": (7, 9, "78%"),
            "interviews_in_time": (6, 12, "50%"),
            "referrals_in_time": (2, 3, "67%"),
            "assessments_in_time": (1, 3, "33%"),
            "online_actioned": (9, 14, "64%"),
            "breaches_to_orders": (2, 5, "40%"),
            "breaches_to_orders_granted": (1, 5, "20%"),
        })

    def test_the_measures_are_suppressed_as_the_figures_are(self) -> None:
        got = {key: (line.numerator.text, line.denominator.text, line.percent)
               for key, line in self.lines(suppress=True).items()}
        self.assertEqual(got["grade_reduced"], ("6", "12", "50%"))   # 6 and 6: both shown
        self.assertEqual(got["online_actioned"], ("9", "14", "64%"))  # 9 and 5
        # 9 of 12: the 3 not offered read "<5", so the 9 would give them away: "*".
        self.assertEqual(got["interviews_offered"], ("*", "12", "–"))
        self.assertEqual(got["interviews_accepted"], ("*", "9", "–"))
        self.assertEqual(got["referrals_in_time"], ("<5", "<5", "–"))
        self.assertEqual(got["breaches_to_orders"], ("<5", "5", "–"))
        self.assertEqual(got["breaches_to_orders_granted"], ("<5", "5", "–"))

    def test_the_report_and_the_page_show_them(self) -> None:
        html = render_html(publication(suppress=True))
        self.assertIn('<section id="outcomes"', html)
        self.assertIn('<section id="rates"', html)
        row = html[html.index('data-outcome="grade_reduced"'):]
        row = row[:row.index("</tr>")]
        self.assertIn("Risk grade reduced at review", row)
        self.assertIn('<td class="num">6</td><td class="num">12</td><td class="num">50%</td>',
                      row)
        self.assertIn("Open Government Licence v3.0", html)
        self.assertIn("No rate for", html)  # the shipped file lacks seven districts
        self.assertNotIn("Outcomechild", html)
        self.assertNotIn("Outcomeadult", html)

    def test_the_pdf_prints_both_sections(self) -> None:
        out = Path(self.enterContext(tempfile.TemporaryDirectory()))
        pdf_path = out / "report.pdf"
        pdf_path.write_bytes(html_to_pdf(render_html(publication(suppress=True))))
        text = subprocess.run([poppler("pdftotext"), "-layout", str(pdf_path), "-"],
                              check=True, capture_output=True, text=True).stdout
        self.assertIn("Children at risk per 10,000 children", text)
        self.assertIn("Risk grade reduced at review", text)
        self.assertRegex(text, r"Risk grade reduced at review\s+6\s+12\s+50%")
        self.assertIn("Open Government Licence v3.0", text)
        pages = pages_as_images(pdf_path, out)
        self.assertLessEqual(len(pages), 20)
        for image in pages:
            self.assertGreater(ink(image), 0.005, f"{image.name} looks blank")
