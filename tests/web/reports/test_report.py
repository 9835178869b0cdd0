"""The committee report: one command writes the HTML and the PDF; the PDF is rendered to
images (poppler's pdftoppm) and read back (pdftotext), and checked: its pages, that no
page is blank, the suppressed figures, and that no person appears in it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from safeguard.cli import main
from safeguard.web.accounts.models import Role
from safeguard.web.statistics import pdf
from safeguard.web.statistics.committee import build, render_html

from ..base import WebTestCase, make_user
from .fixtures import World
from .test_dashboard import Q1

STEM = "committee-report-2026-01-01-to-2026-03-31"
# What the fixtures hold about people and businesses: none of it may reach the report.
PERSONAL = ("CHILD-ONE", "CHILD-SIX", "Countchild", "ADULT", "BIZ-ONE", "BIZ-TWO",
            "Synthetic report", "PC Test")


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} is missing: run scripts/install-system-deps.sh (poppler-utils)")
    return found


def pages_as_images(pdf_path: Path, out: Path) -> list[Path]:
    subprocess.run([poppler("pdftoppm"), "-r", "40", "-png", str(pdf_path), str(out / "page")],
                   check=True, capture_output=True)
    return sorted(out.glob("page-*.png"))


def ink(image_path: Path) -> float:
    """The share of the page that is not white."""
    with Image.open(image_path) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return 1 - sum(histogram[245:]) / sum(histogram)


class CommitteeReportTests(WebTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        officer = make_user("olive", cls.owner_agency, Role.INVESTIGATOR)
        World(cls.owner_agency, cls.outsider_agency, officer)

    def test_the_command_writes_html_and_pdf_that_render_and_read_right(self) -> None:
        out = Path(self.enterContext(_tmp()))
        result = CliRunner().invoke(main, ["web", "committee-report", "--from", "2026-01-01",
                                           "--to", "2026-03-31", "--out", str(out / "report")])
        assert result.exit_code == 0, result.output
        html_path = out / "report" / f"{STEM}.html"
        pdf_path = out / "report" / f"{STEM}.pdf"
        self.assertIn(str(pdf_path), result.output)
        self.assertTrue(pdf_path.read_bytes().startswith(b"%PDF-"))
        html = html_path.read_text(encoding="utf-8")
        self.assertNotIn('src="', html)
        self.assertNotIn('href="', html)  # self-contained: nothing to fetch
        self.assertNotIn("<script", html)

        images = pages_as_images(pdf_path, out)
        self.assertGreaterEqual(len(images), 6)
        self.assertLessEqual(len(images), 20)
        for image in images:
            self.assertGreater(ink(image), 0.005, f"{image.name} looks blank")
        maps_page = max(images, key=ink)  # the maps are the inkiest page
        self.assertGreater(ink(maps_page), 0.05)

        text = subprocess.run([poppler("pdftotext"), "-layout", str(pdf_path), "-"],
                              check=True, capture_output=True, text=True).stdout
        self.assertIn("Child exploitation: partnership figures", text)
        self.assertIn("1 January to 31 March 2026", text)
        self.assertIn("1 October to 31 December 2025", text)
        for district in ("Stoke-on-Trent", "Tamworth", "Staffordshire Moorlands"):
            self.assertIn(district, text)
        self.assertIn("<5", text)
        self.assertIn("not to scale", text)
        self.assertIn("Page 1 of", text)
        for held in PERSONAL:
            self.assertNotIn(held, text)
            self.assertNotIn(held, html)
        self.assertAudited("export", page="committee report", start="2026-01-01")

    def test_the_figures_in_it_are_suppressed(self) -> None:
        html = render_html(build(Q1))
        # Staff trained: 10 in all, Tamworth 6, Stoke 4 hidden among the "<5".
        self.assertIn('<td class="num">10</td>', html)
        self.assertNotIn('<td class="num">4</td>', html)
        self.assertNotIn('<td class="num">1</td>', html)
        self.assertNotIn('<td class="num">2</td>', html)

    def test_the_map_attribution_is_said_once_and_nothing_is_drawn_for_nothing(self) -> None:
        from safeguard.web.statistics.committee import CHART_MEASURES, MAP_MEASURES
        from safeguard.web.statistics.pictures import anything_shown

        pub = build(Q1)
        html = render_html(pub)
        self.assertEqual(html.count("Safeguard project, own work"), 1)
        for key in MAP_MEASURES:
            drawn = f'aria-labelledby="map-{key}-title"' in html
            self.assertEqual(drawn, anything_shown(pub, key), key)
        for key in CHART_MEASURES:
            drawn = f'aria-labelledby="chart-{key}-title"' in html
            self.assertEqual(drawn, anything_shown(pub, key, previous=True), key)
        # A measure whose every district figure is suppressed: one sentence says so (in
        # these fixtures, concern reports are too few in every district).
        self.assertFalse(anything_shown(pub, "concerns_reported"))
        self.assertRegex(html, r'id="maps-left-out">No map of [^<]*concerns reported[^<]*: '
                               r"every district's figure is below 5 or withheld")
        self.assertRegex(html, r'id="charts-left-out">No chart of [^<]*concerns reported[^<]*: '
                               r"every district's figure in both periods is below 5")

    def test_a_bad_period_is_a_usage_error(self) -> None:
        result = CliRunner().invoke(main, ["web", "committee-report", "--from", "2026-03-31",
                                           "--to", "2026-01-01", "--out", "unused"])
        self.assertEqual(result.exit_code, 2, result.output)
        self.assertIn("ends before it starts", result.output)

    def test_the_pdf_never_fetches_anything(self) -> None:
        with self.assertRaises(BaseException) as caught:
            pdf.html_to_pdf('<html><body><img src="http://example.invalid/x.png"></body></html>')
        self.assertIn("example.invalid", repr(caught.exception.__cause__ or caught.exception))


def _tmp():  # type: ignore[no-untyped-def]
    import tempfile

    return tempfile.TemporaryDirectory(prefix="safeguard-report-")
