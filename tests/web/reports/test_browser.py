"""In a real browser: an analyst opens the statistics from the home page, picks a period
and a figure for the map, switches to the published view and downloads the committee
report; no Content-Security-Policy violation on the way."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind, Role

from ..base import make_user
from ..browser import browser_sign_in, csp_watch
from .fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(SAFEGUARDING_NOW="2026-04-15T10:00:00+00:00")
def test_an_analyst_reads_the_dashboard_and_downloads_the_report(live_server: Any,
                                                                 page: Any) -> None:
    police = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    council = Agency.objects.create(name="County Council (test)",
                                    kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    officer = make_user("olive", police, Role.INVESTIGATOR)
    World(police, council, officer)
    make_user("ana", police, Role.ANALYST)  # exact figures are the police's (views.py)
    violations = csp_watch(page)
    base = live_server.url
    browser_sign_in(page, base, "ana")

    page.click("a.card:has-text('Statistics')")
    page.wait_for_selector("h1:has-text('Statistics')")
    # The default period is the last complete quarter before the clock's day.
    assert "1 January to 31 March 2026" in page.locator("p.lead").inner_text()
    missing = page.locator("#summary tr[data-measure=missing_episodes] td.num").first
    assert missing.inner_text() == "4"
    assert page.locator("#map svg.district-map g.district").count() == 9

    page.select_option("#f-measure", "staff_trained")
    page.click("#period-form button[type=submit]")
    page.wait_for_selector("#map h2:has-text('Staff trained')")
    stoke = page.locator("#map g.district[data-code=E06000021] title")
    tamworth = page.locator("#map g.district[data-code=E07000199] title")
    assert stoke.text_content() == "Stoke-on-Trent: 4"
    assert tamworth.text_content() == "Tamworth: 6"
    assert page.locator("#map path.hotspot").count() == 1  # Tamworth stands out
    assert "Tamworth" in page.locator("#district-table").inner_text()

    page.select_option("#f-view", "published")
    page.click("#period-form button[type=submit]")
    page.wait_for_selector("p.lead:has-text('as they would be published')")
    assert stoke.text_content() == "Stoke-on-Trent: <5"
    assert tamworth.text_content() == "Tamworth: 6"
    assert page.locator("#map path.hotspot").count() == 0  # too few districts published

    with page.expect_download() as download_info:
        page.click("button:has-text('Committee report (PDF)')")
    download = download_info.value
    assert download.suggested_filename == "committee-report-2026-01-01-to-2026-03-31.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert violations == []
