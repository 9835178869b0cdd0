"""The statistics dashboard and the report button: who may open them, what they show,
the audit."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date

from safeguard.web.accounts.models import Role
from safeguard.web.statistics.periods import Period

from ..base import WebTestCase, make_user
from .fixtures import World

URL = "/statistics/"
PERIOD = "?from=2026-01-01&to=2026-03-31"
Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))


class DashboardTests(WebTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        officer = make_user("olive", cls.owner_agency, Role.INVESTIGATOR)
        World(cls.owner_agency, cls.outsider_agency, officer)
        # An analyst of a partner agency and a supervisor of the police.
        cls.analyst = make_user("ana", cls.partner_agency, Role.ANALYST)
        cls.supervisor = make_user("sue", cls.owner_agency, Role.SUPERVISOR)

    def test_analysts_and_supervisors_of_any_agency_open_it(self) -> None:
        for user in (self.analyst, self.supervisor):
            self.login(user)
            response = self.client.get(URL + PERIOD)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "1 January to 31 March 2026")

    def test_exact_figures_are_for_the_police_over_four_weeks_or_more(self) -> None:
        self.login(self.supervisor)
        response = self.client.get(URL + PERIOD)
        self.assertContains(response, "exact figures, not for publication")
        self.assertAudited("view", actor=self.supervisor, page="statistics",
                           start="2026-01-01", end="2026-03-31", view="exact")
        # One day: a count someone could point at a person with. Published figures only.
        response = self.client.get(URL + "?from=2026-02-04&to=2026-02-04&measure=arrests")
        self.assertContains(response, "as they would be published")
        self.assertAudited("view", actor=self.supervisor, view="published")
        # A partner agency's analyst: published figures, whatever the period or the ask.
        self.login(self.analyst)
        response = self.client.get(URL + PERIOD + "&view=exact")
        self.assertContains(response, "as they would be published")
        self.assertNotContains(response, 'value="exact"')
        self.assertAudited("view", actor=self.analyst, view="published")

    def test_other_roles_get_403(self) -> None:
        for user in (self.alice, self.bob, self.charlie):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)
            self.assertEqual(self.client.post(URL + "report/").status_code, 403)

    def test_it_shows_the_figures_the_map_and_the_previous_period(self) -> None:
        self.login(self.supervisor)
        response = self.client.get(URL + PERIOD + "&measure=missing_episodes")
        pub = response.context["pub"]
        self.assertEqual(pub.period, Q1)
        self.assertEqual(pub.measures["missing_episodes"].this_total.text, "4")
        self.assertEqual(pub.measures["missing_episodes"].before_total.text, "1")
        self.assertEqual(pub.measures["missing_episodes"].change, "+3")
        self.assertContains(response, 'class="district-map"')
        self.assertContains(response, 'class="bar-chart"')
        self.assertContains(response, "Missing episodes, 1 January to 31 March 2026")
        # No person appears: only counts.
        self.assertNotContains(response, "CHILD-ONE")
        self.assertNotContains(response, "BIZ-ONE")

    def test_the_published_view_suppresses(self) -> None:
        self.login(self.analyst)
        response = self.client.get(URL + PERIOD + "&view=published")
        self.assertEqual(response.context["pub"].measures["missing_episodes"].this_total.text,
                         "<5")
        self.assertContains(response, "as they would be published")

    def test_a_bad_period_falls_back_and_says_why(self) -> None:
        self.login(self.analyst)
        response = self.client.get(URL + "?from=2026-03-31&to=2026-01-01")
        self.assertContains(response, "The period ends before it starts", status_code=400)
        response = self.client.get(URL + PERIOD + "&measure=../../etc")
        self.assertEqual(response.context["measure"], "children_at_risk")

    def test_the_buttons_open_the_html_report_and_download_the_pdf(self) -> None:
        self.login(self.supervisor)
        response = self.client.post(URL + "report/", {"from": "2026-01-01", "to": "2026-03-31",
                                                      "format": "html"})
        self.assertEqual(response.status_code, 200)
        # Opened in the browser, under its name if saved; its own stylesheet allowed by its
        # hash, nothing else (no script, nothing fetched).
        self.assertEqual(response["Content-Disposition"],
                         'inline; filename="committee-report-2026-01-01-to-2026-03-31.html"')
        policy = response["Content-Security-Policy"]
        self.assertIn("default-src 'none'", policy)
        style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S)
        assert style is not None
        digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
        self.assertIn(f"style-src 'sha256-{digest}'", policy)
        self.assertNotIn("script-src", policy)
        html = response.content.decode()
        self.assertIn("Child exploitation: partnership figures", html)
        self.assertNotIn("CHILD-ONE", html)
        self.assertAudited("export", actor=self.supervisor, page="committee report",
                           format="html")
        response = self.client.post(URL + "report/", {"from": "2026-01-01", "to": "2026-03-31",
                                                      "format": "pdf"})
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertTrue(response.content.startswith(b"%PDF"))
        bad = self.client.post(URL + "report/", {"from": "x", "to": "y"})
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(self.client.get(URL + "report/").status_code, 405)

    def test_the_map_choice_names_each_group_once(self) -> None:
        self.login(self.supervisor)
        page = self.client.get(URL + PERIOD).content.decode()
        self.assertIn('<optgroup label="Children at risk"><option value="children_at_risk" '
                      'selected>Children at risk</option><option value="children_high">'
                      'Graded high</option>', page)
        select = re.search(r'<select id="f-measure".*?</select>', page, re.S)
        assert select is not None
        self.assertNotIn(":", select.group(0))
        # The HTML report opens in a new tab, and says so.
        self.assertIn('formtarget="_blank">Committee report (HTML, opens in a new tab)', page)

    def test_reports_are_limited_per_person(self) -> None:
        self.login(self.supervisor)
        form = {"from": "2026-01-01", "to": "2026-03-31", "format": "html"}
        statuses = [self.client.post(URL + "report/", form).status_code for _ in range(13)]
        self.assertEqual(statuses, [200] * 12 + [429])
