"""Eight quarters (trends.py): the quarters, each quarter's figure as its own report
publishes it, against the hand-counted world of fixtures.py, and the charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from safeguard.web.accounts.models import Role
from safeguard.web.statistics import committee, trends
from safeguard.web.statistics.figures import compute
from safeguard.web.statistics.periods import Period
from safeguard.web.statistics.publication import publish

from ..base import WebTestCase, make_user
from .fixtures import EXPECTED, World

Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))


def test_the_eight_quarters_end_with_the_last_complete_one() -> None:
    quarters = trends.quarters_to(date(2026, 3, 31))
    assert [(str(q.start), str(q.end)) for q in quarters[:2]] == [
        ("2024-04-01", "2024-06-30"), ("2024-07-01", "2024-09-30")]
    assert (str(quarters[-1].start), str(quarters[-1].end)) == ("2026-01-01", "2026-03-31")
    assert len(quarters) == 8
    # A period ending mid-quarter trends to the quarter before.
    assert trends.quarters_to(date(2026, 4, 15))[-1] == Q1
    assert trends.quarters_to(date(2026, 12, 31))[-1].start == date(2026, 10, 1)
    assert trends.quarter_of(date(2025, 11, 30)) == Period(date(2025, 10, 1),
                                                           date(2025, 12, 31))


class TrendTests(WebTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        officer = make_user("olive", cls.owner_agency, Role.INVESTIGATOR)
        World(cls.owner_agency, cls.outsider_agency, officer)

    def test_each_quarter_is_what_its_own_report_publishes(self) -> None:
        quarters = trends.quarters_to(Q1.end)
        series = trends.build(quarters, keys=("staff_trained", "arrests"))
        # Hand count (fixtures.EXPECTED): staff trained 10 in Jan–Mar 2026, 5 in Oct–Dec
        # 2025 (all five in Stoke), none before; arrests 3 and 1: below 5, "<5". Oct–Dec's
        # 5 is withheld ("*") as its own report withholds it: a district column of one 5
        # and zeros would give the 5 away beside its total (docs: "0, 5 | 5" publishes
        # "<5, * | *").
        staff = series["staff_trained"]
        self.assertEqual(EXPECTED["staff_trained"][1:], (10, 5))
        self.assertEqual([p.text for p in staff], ["<5"] * 6 + ["*", "10"])
        self.assertEqual([p.value for p in staff], [None] * 7 + [10])
        self.assertEqual({p.text for p in series["arrests"]}, {"<5"})
        self.assertFalse(trends.shown(series["arrests"]))
        # The quarter before the last, as its own report prints it (its own previous).
        q4 = quarters[-2]
        own = publish(compute(q4), compute(q4.previous()), suppress=True)
        self.assertEqual(staff[-2].text, own.measures["staff_trained"].this_total.text)

    def test_the_chart_draws_published_quarters_only(self) -> None:
        series = trends.build(trends.quarters_to(Q1.end), keys=("staff_trained",))
        svg = trends.chart("staff_trained", series["staff_trained"], uid="t")
        root = ET.fromstring(svg)
        bars = root.findall("{http://www.w3.org/2000/svg}rect")
        self.assertEqual(len(bars), 1)  # 10 only; "<5" and "*" have no bar
        title = root.findtext("{http://www.w3.org/2000/svg}title") or ""
        self.assertIn("Jan–Mar 2026 10", title)
        self.assertIn("Oct–Dec 2025 *", title)
        texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
        self.assertEqual(texts.count("<5"), 6)
        self.assertNotIn("style=", svg)

    def test_the_report_says_which_trends_it_left_out(self) -> None:
        html = committee.render_html(committee.build(Q1))
        self.assertIn("Eight quarters", html)
        self.assertIn("from Apr–Jun 2024 to Jan–Mar 2026", html)
        # Every default measure is below 5 in every quarter of this small world.
        self.assertIn('id="trends-left-out"', html)
        self.assertIn("No chart of children at risk, referrals received", html)
        self.assertNotIn('class="trend-chart"', html)
