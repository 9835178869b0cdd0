"""In a real browser: a police officer opens a meeting, records a disruption step on it,
follows the link to its pack, reads the agenda, the network (an SVG with a title for each node) and
the disruption tracker, and prints the pack as a PDF; no Content-Security-Policy
violation on the way."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind, Role

from ..base import make_user
from ..browser import browser_sign_in, csp_watch, justify
from .panel_pack_fixtures import PLACE, small_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(SAFEGUARDING_NOW="2026-03-03T10:00:00+00:00",
                   CLOCK_NOW="2026-03-03T10:00:00+00:00")
def test_an_officer_reads_and_prints_the_panel_pack(live_server: Any, page: Any) -> None:
    police = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    officer = make_user("olive", police, Role.INVESTIGATOR)
    meeting = small_world(police, officer)
    violations = csp_watch(page)
    base = live_server.url
    browser_sign_in(page, base, "olive")

    page.goto(f"{base}/safeguarding/panels/{meeting.pk}/")
    justify(page)
    # The panel decided to apply for a closure order on a hotel: recorded on the meeting.
    page.click("a:has-text('Record a disruption step')")
    page.fill("input[name=place]", "Hotel Test, Station Road")
    page.select_option("select[name=kind]", "closure")
    page.fill("input[name=applied_on]", "2026-02-20")
    page.click("main form button[type=submit]")
    page.wait_for_selector("h2:has-text('Disruption steps')")
    assert "Closure order application" in page.locator("main").inner_text()
    page.screenshot(path="/tmp/panel-detail.png", full_page=True)
    page.click("a:has-text('The pack for this meeting')")
    page.wait_for_selector("h1:has-text('Panel pack')")
    # One reason covers the meeting and its pack for the justification window.
    assert "police member's copy" in page.locator("p.lead").inner_text()
    missing = page.locator("#agenda table").nth(1).inner_text()
    assert "Ava Testchild" in missing and "Kebab House" in missing
    assert "Visit the school" in page.locator("#agenda").inner_text()
    network = page.locator("#network svg.network")
    assert network.get_attribute("role") == "img"
    titles = network.locator("g > title").all_text_contents()
    assert sorted(t.split(" (")[0] for t in titles) == sorted(
        ["Ava Testchild", "Victor Testadult", PLACE])
    assert "Found with when missing" in page.locator("#network table.links").inner_text()
    rows = page.locator("#disruption tbody tr")
    assert "Victor Testadult" in rows.nth(0).inner_text()
    assert "Charged" in rows.nth(0).inner_text()
    assert "Hotel Test" in rows.nth(1).inner_text()
    assert "Closure order application — Awaited" in rows.nth(1).inner_text()
    page.screenshot(path="/tmp/panel-pack.png", full_page=True)

    with page.expect_download() as download_info:
        page.click("button:has-text('Print the pack (PDF)')")
    download = download_info.value
    assert download.suggested_filename == f"panel-pack-2026-03-03-{meeting.pk}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert violations == []
