"""CSE and licensing in the committee report, against a fixture counted by hand, and the
section in the rendered report (suppressed; no badge or name in it) and on the statistics
page (exact for the police over a quarter, suppressed as published)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.test import override_settings
from django.utils import timezone

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.core.models import Area
from safeguard.web.partners.models import (
    CodeStatus,
    ConcernLicence,
    ConcernReport,
    DriverAttendance,
    LicensedDriver,
    LicensingReferral,
    Sector,
    TrainingSession,
)
from safeguard.web.safeguarding.reference import load_reference_data
from safeguard.web.statistics import licensing, pdf
from safeguard.web.statistics.committee import build, render_html

from ..base import WebTestCase, make_user
from .test_dashboard import PERIOD, Q1, URL
from .test_report import ink, pages_as_images, poppler

SHOTS = os.environ.get("SAFEGUARD_SCREENSHOTS", "")


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def section_rows(html: str) -> dict[str, list[str]]:
    """The licensing section's rows as read on the page: name, then its cells' text."""
    found = re.search(r'<section id="licensing".*?</section>', html, re.S)
    assert found is not None, "no licensing section"
    rows = re.findall(r"<tr><(?:td|th)>([^<]*)</(?:td|th)>(.*?)</tr>", found.group(0), re.S)
    read = {name: [cell.replace("&lt;", "<") for cell in
                   re.findall(r'<td class="num">([^<]*)</td>', cells)] for name, cells in rows}
    return {name: cells for name, cells in read.items() if cells}  # not the heading


def licensing_world(owner: Agency) -> tuple[Agency, Agency]:
    """The licensing authorities L and M, their drivers, training, reports and referrals,
    as LicensingFiguresTests counts them by hand; `owner` is the police agency."""
    load_reference_data()
    area = Area.objects.get(ons_code="E07000197")
    l_council = Agency.objects.create(name="L Council Licensing (test)",
                                      kind=AgencyKind.LICENSING_AUTHORITY)
    m_council = Agency.objects.create(name="M Council Licensing (test)",
                                      kind=AgencyKind.LICENSING_AUTHORITY)
    sessions: dict[date, TrainingSession] = {}

    def trained(driver: LicensedDriver, *days: date) -> None:
        for day in days:
            if day not in sessions:
                sessions[day] = TrainingSession.objects.create(
                    owning_agency=owner, held_on=day, trainer="Trainer Test",
                    sector=Sector.TAXI, district=area)
            DriverAttendance.objects.create(session=sessions[day], driver=driver)

    def driver(authority: Agency, badge: str, holder: Agency | None = None,
               **fields: Any) -> LicensedDriver:
        return LicensedDriver.objects.create(
            owning_agency=holder or authority, name=f"NAME-{badge}", badge_number=badge,
            licensing_authority=authority, **fields)

    trained(driver(l_council, "BADGE-L1"), date(2024, 3, 31))
    trained(driver(l_council, "BADGE-L1", holder=owner), date(2026, 1, 15))
    trained(driver(l_council, "BADGE-L2"), date(2024, 3, 30))
    trained(driver(l_council, "BADGE-L3"), date(2026, 2, 1))
    trained(driver(l_council, "BADGE-L4"), date(2026, 4, 5))
    driver(l_council, "BADGE-L5")
    trained(driver(l_council, "BADGE-L6", licensed=False), date(2026, 2, 1))
    for number in range(1, 7):
        trained(driver(m_council, f"BADGE-M{number}"), date(2026, 3, 1))

    def report(day: date, *links: tuple[Agency, dict[str, str]]) -> list[ConcernLicence]:
        made = ConcernReport.objects.create(
            owning_agency=owner, received_at=at(day),
            code_status=CodeStatus.UNKNOWN, what_happened="Synthetic report")
        return [ConcernLicence.objects.create(report=made, licensing_authority=a, **f)
                for a, f in links]

    r1 = report(date(2026, 2, 1), (l_council, {"badge_number": "BADGE-L2"}),
                (m_council, {"registration": "REG-M"}))
    report(date(2026, 3, 15), (m_council, {"plate_number": "PLATE-M"}))
    r3 = report(date(2026, 4, 2), (l_council, {"badge_number": "BADGE-L3"}))
    report(date(2026, 1, 10))

    def refer(link: ConcernLicence, day: date, **fields: Any) -> None:
        made = LicensingReferral.objects.create(
            owning_agency=owner, assigned_agency=link.licensing_authority,
            link=link, note="Synthetic note", **fields)
        LicensingReferral.objects.filter(pk=made.pk).update(created_at=at(day))

    refer(r1[0], date(2026, 2, 2))
    refer(r3[0], date(2026, 2, 3), revoked_at=at(date(2026, 2, 4)))
    refer(r1[1], date(2025, 12, 31))
    return l_council, m_council


@override_settings(PARTNERS_REFRESHER_MONTHS=24)
class LicensingFiguresTests(WebTestCase):
    """Q1 2026 (1 Jan to 31 Mar); a refresher is due 24 months after the last session.

    Council L:
    - L1: trained 31 Mar 2024 (due 31 Mar 2026: in date at the end); the police hold a
      second record of the same badge, trained 15 Jan 2026: one driver, in date,
      trained in the period.
    - L2: trained 30 Mar 2024 (due 30 Mar 2026): overdue.
    - L3: trained 1 Feb 2026: in date, trained in the period.
    - L4: trained 5 Apr 2026, after the end: untrained at the end.
    - L5: never trained. L6: no longer licensed (trained 1 Feb 2026): not counted.
    => licensed 5, in date 2 (L1, L3), overdue 1 (L2), trained in the period 2.
    Council M: M1-M6 trained 1 Mar 2026 => licensed 6, in date 6, overdue 0, in period 6.
    Concern reports: r1 (1 Feb) links L's badge then M's vehicle: under L; r2 (15 Mar) M;
    r3 (2 Apr) L: after the period; r4 (10 Jan) no link. => L 1, M 1.
    Referrals: to L 2 Feb (counted), to L 3 Feb withdrawn (not), to M 31 Dec 2025 (not).
    => L 1, M 0.
    """

    l_council: Agency
    m_council: Agency

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.l_council, cls.m_council = licensing_world(cls.owner_agency)

    def test_the_counts_by_hand(self) -> None:
        raw = licensing.counts(Q1)
        self.assertEqual(raw[self.l_council.pk], {
            "licensed": 5, "in_date": 2, "overdue": 1, "trained_in_period": 2,
            "concerns": 1, "referrals": 1})
        self.assertEqual(raw[self.m_council.pk], {
            "licensed": 6, "in_date": 6, "overdue": 0, "trained_in_period": 6,
            "concerns": 1, "referrals": 0})

    def test_the_published_table_is_suppressed(self) -> None:
        table = licensing.build(Q1)
        shown = {row.name: [c.text for c in row.cells] + [row.coverage] for row in table.rows}
        # Licensed 5, 6 (11): shown. In date 2 and 6 (8): the 2 is "<5", and the 6 would
        # give it away from the total, so it is withheld. The same for the period's
        # training. Overdue, concerns and referrals: every count below 5, totals too.
        self.assertEqual(shown["L Council Licensing (test)"],
                         ["5", "<5", "<5", "<5", "<5", "<5", "–"])
        self.assertEqual(shown["M Council Licensing (test)"],
                         ["6", "*", "<5", "*", "<5", "<5", "–"])
        self.assertEqual([c.text for c in table.total.cells] + [table.total.coverage],
                         ["11", "8", "<5", "8", "<5", "<5", "73%"])

    def test_the_report_has_the_section_and_no_one_in_it(self) -> None:
        html = render_html(build(Q1))
        self.assertIn('<section id="licensing"', html)
        self.assertIn("CSE and licensing", html)
        self.assertIn("L Council Licensing (test)", html)
        self.assertIn('<td class="num">73%</td>', html)
        for held in ("BADGE-", "NAME-", "REG-M", "PLATE-M", "Synthetic"):
            self.assertNotIn(held, html)

    def test_the_statistics_page_shows_it_exact_for_the_police(self) -> None:
        self.login(make_user("sue", self.owner_agency, Role.SUPERVISOR))
        response = self.client.get(URL + PERIOD)
        self.assertFalse(response.context["published"])
        html = response.content.decode()
        self.assertIn("<strong>Exact figures, not for publication.</strong>", html)
        # The counts of the docstring: L 5 licensed, 2 in date (40%), M 6 and 6 (100%).
        self.assertEqual(section_rows(html), {
            "L Council Licensing (test)": ["5", "2", "1", "2", "1", "1", "40%"],
            "M Council Licensing (test)": ["6", "6", "0", "6", "1", "0", "100%"],
            "All licensing authorities": ["11", "8", "1", "8", "2", "1", "73%"]})
        for held in ("BADGE-", "NAME-", "REG-M", "PLATE-M"):
            self.assertNotIn(held, html)

    def test_the_statistics_page_suppresses_it_as_published(self) -> None:
        published = {
            "L Council Licensing (test)": ["5", "<5", "<5", "<5", "<5", "<5", "–"],
            "M Council Licensing (test)": ["6", "*", "<5", "*", "<5", "<5", "–"],
            "All licensing authorities": ["11", "8", "<5", "8", "<5", "<5", "73%"]}
        # A police supervisor asking for the published view, and a partner's analyst (who
        # never sees exact figures): the report's table, with the threshold in its words.
        for user, ask in ((make_user("sue", self.owner_agency, Role.SUPERVISOR),
                           "&view=published"),
                          (make_user("ana", self.partner_agency, Role.ANALYST), "&view=exact")):
            self.login(user)
            html = self.client.get(URL + PERIOD + ask).content.decode()
            self.assertEqual(section_rows(html), published)
            self.assertIn("counts below 5 are shown as &lt;5", html)
            self.assertNotIn("Exact figures, not for publication.", html)

    def test_nothing_to_publish_says_so(self) -> None:
        from safeguard.web.statistics.periods import Period

        # No driver licensed now, and nothing reported or referred in 2020: every count is
        # below 5, so one sentence stands in for the table.
        LicensedDriver.objects.update(licensed=False)
        empty = Period(date(2020, 1, 1), date(2020, 3, 31))
        table = licensing.build(empty)
        self.assertFalse(table.anything_shown)
        self.assertEqual(len(table.rows), 2)
        html = render_html(build(empty))
        self.assertIn('id="licensing-left-out"', html)
        self.assertNotIn('<table class="district licensing">', html)

    def test_it_prints(self) -> None:
        """The section on paper: its page has ink, its words and figures read back."""
        out = Path(self.enterContext(tempfile.TemporaryDirectory()))
        pdf_path = out / "report.pdf"
        pdf_path.write_bytes(pdf.html_to_pdf(render_html(build(Q1))))
        pages = []
        for number, image in enumerate(pages_as_images(pdf_path, out), 1):
            text = subprocess.run(
                [poppler("pdftotext"), "-f", str(number), "-l", str(number), "-layout",
                 str(pdf_path), "-"], check=True, capture_output=True, text=True).stdout
            if "CSE and licensing" in text:
                pages.append((image, text))
        self.assertEqual(len(pages), 1)
        image, text = pages[0]
        self.assertGreater(ink(image), 0.005)
        self.assertIn("M Council Licensing (test)", text)
        self.assertIn("73%", text)
        if SHOTS:
            subprocess.run([poppler("pdftoppm"), "-r", "80", "-png", "-f", "1", "-l", "40",
                            str(pdf_path), str(Path(SHOTS) / "committee-page")], check=True)
            shutil.copy(image, Path(SHOTS) / "committee-licensing-page-small.png")
