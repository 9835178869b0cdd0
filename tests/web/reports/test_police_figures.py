"""The police figures of the committee report and the statistics page: people sharing
per district and quarter, counted once per person (police_fixtures.py has the hand
count), arrests and charges per operation, the suppression of a column of people, and
who sees them."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

from safeguard.web.accounts.models import Agency, AgencyKind, Role, User
from safeguard.web.statistics import intelligence_figures, operations
from safeguard.web.statistics.committee import build, render_html
from safeguard.web.statistics.distinct import protect_people
from safeguard.web.statistics.pdf import html_to_pdf
from safeguard.web.statistics.periods import Period
from safeguard.web.statistics.suppression import THRESHOLD, Cell, State
from safeguard.web.statistics.trends import quarters_to

from ..base import WebTestCase, make_user
from .police_fixtures import Operations, Sharing
from .test_report import _tmp, ink, pages_as_images, poppler

SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"

Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
Q4 = Period(date(2025, 10, 1), date(2025, 12, 31))


def by_name(table: intelligence_figures.PeopleSharing, quarter: int) -> dict[str, str]:
    return {name: cells[quarter].text for name, cells in table.rows}


class ProtectPeopleTests(WebTestCase):
    def test_a_cell_the_distinct_total_would_pin_down_is_protected(self) -> None:
        # 20 and 4 with 24 people: the total less 20 leaves at least 4 for the "<5" cell,
        # which would then be exactly 4; the 20 is withheld too.
        cells, total = protect_people([20, 4], 24)
        self.assertEqual([c.text for c in cells], ["*", "<5"])
        self.assertEqual(total.text, "24")
        # With overlap the same 20 and 4 may be 22 people: the "<5" cell is 2 to 4.
        cells, total = protect_people([20, 4], 22)
        self.assertEqual([c.text for c in cells], ["20", "<5"])
        self.assertEqual(total.text, "22")

    def test_the_total_is_withheld_when_no_cell_is_left_to_hide_behind(self) -> None:
        cells, total = protect_people([4, 4, 4], 12)
        self.assertEqual([c.text for c in cells], ["<5", "<5", "<5"])
        self.assertEqual(total.text, "*")  # 12 would say every cell is exactly 4
        cells, total = protect_people([3, 3], 4)
        self.assertEqual(total.text, "<5")

    def test_impossible_columns_are_refused(self) -> None:
        with self.assertRaises(ValueError):
            protect_people([3, 9], 2)  # a total below one of its cells
        with self.assertRaises(ValueError):
            protect_people([3, 2], 6)  # more people than the cells hold

    def test_brute_force_no_suppressed_cell_has_one_possible_value(self) -> None:
        """Every column of up to three districts (0..9 each) with every possible total:
        what a reader knows (published cells, the total, "<5" is 0-4, "*" is 5 or more,
        each cell at most the total, the cells together at least the total) leaves each
        suppressed cell two values or more."""
        checked = 0
        for size in (1, 2, 3):
            for values in itertools.product(range(10), repeat=size):
                for total in range(max(values), sum(values) + 1):
                    cells, cell_total = protect_people(list(values), total)
                    self.assertEqual([c.value for c in cells], list(values))
                    if not cell_total.published:
                        continue
                    self.assertFalse(_pinned(cells, total), (values, total))
                    checked += 1
        self.assertGreater(checked, 1000)


def _pinned(cells: list[Cell], total: int) -> bool:
    hidden = [i for i, c in enumerate(cells) if not c.published]
    if not hidden:
        return False
    shown = sum(c.value for c in cells if c.published)
    ranges = [range(0, THRESHOLD) if cells[i].state is State.PRIMARY
              else range(THRESHOLD, total + 1) for i in hidden]
    possible: list[set[int]] = [set() for _ in hidden]
    for guess in itertools.product(*ranges):
        if all(g <= total for g in guess) and shown + sum(guess) >= total:
            for slot, g in enumerate(guess):
                possible[slot].add(g)
    return any(len(p) < 2 for p in possible)


class PeopleSharingTests(WebTestCase):
    world: Sharing

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.world = Sharing(cls.owner_agency)

    def test_each_person_counts_once_per_district_and_once_in_the_total(self) -> None:
        quarters = quarters_to(Q1.end)
        self.assertEqual((quarters[-1], quarters[-2]), (Q1, Q4))
        table = intelligence_figures.build(quarters, suppress=False)
        q1 = by_name(table, -1)
        self.assertEqual(q1["Stoke-on-Trent"], "2")        # P1, P2 (P4 merged into P2)
        self.assertEqual(q1["Tamworth"], "2")              # P1, and P6 by referral
        self.assertEqual(q1["Stafford"], "0")              # P3's file is not known
        self.assertEqual(q1["Not recorded"], "1")          # P7
        self.assertEqual(table.totals[-1].text, "4")       # P1 once, not twice
        self.assertEqual(by_name(table, -2)["Stoke-on-Trent"], "1")  # P8, New Year's Eve
        self.assertEqual(table.totals[-2].text, "1")
        self.assertEqual([c.text for c in table.totals[:-2]], ["0"] * 6)

    def test_published_figures_are_suppressed_as_a_column_of_people(self) -> None:
        self.world.crowd()  # six people in Stafford only: Stafford 6, total 10
        table = intelligence_figures.build(quarters_to(Q1.end), suppress=True)
        q1 = by_name(table, -1)
        self.assertEqual(q1["Stafford"], "6")
        self.assertEqual(q1["Stoke-on-Trent"], "<5")
        self.assertEqual(q1["Not recorded"], "<5")
        self.assertEqual(table.totals[-1].text, "10")
        self.assertEqual(table.totals[-2].text, "<5")
        self.assertTrue(table.anything_shown)


class OperationFiguresTests(WebTestCase):
    other_force: Agency
    ops: Operations

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.other_force = Agency.objects.create(name="Another Police (test)",
                                                kind=AgencyKind.POLICE)
        cls.ops = Operations(cls.owner_agency, cls.other_force)

    def rows(self, figures: operations.OperationFigures) -> dict[str, tuple[str, str, str]]:
        return {r.name: (r.arrests.text, r.charges.text, r.people_charged.text)
                for r in figures.rows}

    def test_hand_counted_per_operation(self) -> None:
        figures = operations.build(Q1, operations.visible_operations(self.alice), suppress=False)
        self.assertEqual(self.rows(figures), {"Operation Alder": ("3", "2", "1"),
                                              "Operation Birch": ("0", "2", "2")})
        self.assertEqual((figures.arrests.text, figures.charges.text,
                          figures.people_charged.text), ("3", "4", "2"))
        # The quarter before: S1's arrest on 30 December, in Birch.
        before = operations.build(Q4, operations.visible_operations(self.alice),
                                  suppress=False)
        self.assertEqual(self.rows(before)["Operation Birch"], ("1", "0", "0"))

    def test_published_counts_below_five_are_suppressed(self) -> None:
        figures = operations.build(Q1, operations.visible_operations(self.alice), suppress=True)
        self.assertEqual(self.rows(figures), {"Operation Alder": ("<5", "<5", "<5"),
                                              "Operation Birch": ("<5", "<5", "<5")})
        self.assertEqual(figures.charges.text, "<5")

    def test_an_operation_is_counted_only_for_those_it_is_open_to(self) -> None:
        self.assertEqual(operations.visible_operations(None).count(), 0)
        other = make_user("otto", self.other_force, Role.ANALYST)
        figures = operations.build(Q1, operations.visible_operations(other), suppress=False)
        self.assertEqual(self.rows(figures), {"Operation Damson": ("1", "0", "0")})
        # A partner sees an operation shared with it, and no other.
        self.share_with(self.ops.b)
        figures = operations.build(Q1, operations.visible_operations(self.bob), suppress=False)
        self.assertEqual(list(self.rows(figures)), ["Operation Birch"])


class ReportAndPageTests(WebTestCase):
    other_force: Agency
    police_analyst: User
    partner_analyst: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Sharing(cls.owner_agency).crowd()
        cls.other_force = Agency.objects.create(name="Another Police (test)",
                                                kind=AgencyKind.POLICE)
        Operations(cls.owner_agency, cls.other_force)
        cls.police_analyst = make_user("pat", cls.owner_agency, Role.ANALYST)
        cls.partner_analyst = make_user("ana", cls.partner_agency, Role.ANALYST)

    def test_the_report_has_them_in_a_police_copy_only(self) -> None:
        pub = build(Q1)
        html = render_html(pub, viewer=self.police_analyst)
        self.assertIn('id="people-sharing"', html)
        self.assertIn("Operation Alder", html)
        self.assertNotIn("Operation Damson", html)  # another force's
        self.assertNotIn("SUSPECT-", html)
        for copy in (render_html(pub), render_html(pub, viewer=self.partner_analyst)):
            self.assertNotIn('id="people-sharing"', copy)
            self.assertIn('id="people-sharing-police-only"', copy)
            self.assertNotIn("Operation Alder", copy)
        self.assertIn('id="operations-police-only"', render_html(pub))

    def test_the_statistics_page_shows_exact_figures_to_the_police_only(self) -> None:
        self.login(self.police_analyst)
        page = self.client.get("/statistics/?from=2026-01-01&to=2026-03-31").content.decode()
        sharing = page.split('id="people-sharing"')[1]
        self.assertRegex(_row(sharing, "All districts"), r">10</td></tr>")
        self.assertIn(">Operation Birch</td><td class=\"num\">0</td>", page)
        published = self.client.get(
            "/statistics/?from=2026-01-01&to=2026-03-31&view=published").content.decode()
        self.assertIn(">Operation Birch</td><td class=\"num\">&lt;5</td>", published)
        self.login(self.partner_analyst)
        page = self.client.get("/statistics/?from=2026-01-01&to=2026-03-31").content.decode()
        self.assertIn('id="people-sharing-police-only"', page)
        self.assertNotIn("Operation", page.split('id="police-figures"')[1].split("</section>")[0]
                         .replace("Operations are police records", ""))

    def test_the_pdf_prints_the_section_on_a_page_with_ink(self) -> None:
        out = Path(self.enterContext(_tmp()))
        pdf_path = out / "report.pdf"
        pdf_path.write_bytes(html_to_pdf(render_html(build(Q1), viewer=self.police_analyst)))
        pages = subprocess.run([poppler("pdftotext"), "-layout", str(pdf_path), "-"],
                               check=True, capture_output=True, text=True).stdout.split("\f")
        found = [i for i, text in enumerate(pages) if "People sharing images" in text]
        self.assertEqual(len(found), 1)
        text = pages[found[0]]
        self.assertRegex(text, r"Stafford\s+(<5\s+){7}6\b")
        self.assertIn("Operation Birch", text + pages[min(found[0] + 1, len(pages) - 1)])
        images = pages_as_images(pdf_path, out)
        self.assertGreater(ink(images[found[0]]), 0.02)
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(images[found[0]], SHOTS / "committee-police-figures-pdf-page.png")

    def test_the_report_button_makes_the_police_copy_for_the_police(self) -> None:
        self.login(self.police_analyst)
        response = self.client.post("/statistics/report/", {
            "from": "2026-01-01", "to": "2026-03-31", "format": "html"})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('id="people-sharing"', html)
        self.assertIn("Operation Alder", html)


def _row(html: str, header: str) -> str:
    match = re.search(re.escape(header) + r".*?</tr>", html, re.S)
    assert match, header
    return match.group(0)


