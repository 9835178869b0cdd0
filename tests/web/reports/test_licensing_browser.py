"""In a real browser: a police analyst reads CSE and licensing on the statistics page,
exact and then as published (the hand counts of test_licensing_figures.py), and axe finds
nothing serious in the section. Screenshots go to build/screenshots/ (looked at, not
compared)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind, Role

from ..base import make_user
from ..browser import browser_sign_in, csp_watch
from ..test_accessibility import AXE_OPTIONS, BLOCKING
from .test_licensing_figures import licensing_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"


def total_row(page: Any) -> list[str]:
    cells = page.locator("#licensing tfoot td")
    return [cells.nth(i).inner_text() for i in range(cells.count())]


@override_settings(SAFEGUARDING_NOW="2026-04-15T10:00:00+00:00", PARTNERS_REFRESHER_MONTHS=24)
def test_a_police_analyst_reads_licensing_on_the_statistics_page(live_server: Any,
                                                                 page: Any) -> None:
    police = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    licensing_world(police)
    make_user("ana", police, Role.ANALYST)
    SHOTS.mkdir(parents=True, exist_ok=True)
    violations = csp_watch(page)
    browser_sign_in(page, live_server.url, "ana")

    page.goto(f"{live_server.url}/statistics/?from=2026-01-01&to=2026-03-31")
    section = page.locator("#licensing")
    assert "Exact figures, not for publication." in section.inner_text()
    assert total_row(page) == ["11", "8", "1", "8", "2", "1", "73%"]
    section.screenshot(path=str(SHOTS / "statistics-licensing-exact.png"))
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, context="#licensing", options=AXE_OPTIONS).response
    assert [v["id"] for v in found["violations"] if v["impact"] in BLOCKING] == []

    page.select_option("#f-view", "published")
    page.click("#period-form button[type=submit]")
    page.wait_for_selector("p.lead:has-text('as they would be published')")
    assert total_row(page) == ["11", "8", "<5", "8", "<5", "<5", "73%"]
    page.locator("#licensing").screenshot(path=str(SHOTS / "statistics-licensing-published.png"))
    assert violations == []
