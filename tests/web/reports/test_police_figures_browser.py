"""In a real browser: a police analyst reads the people-sharing and operation figures on
the statistics page and in the committee report's HTML; an investigator records an arrest
on a suspect's page. Screenshots go to build/screenshots/ (looked at, not compared)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.investigations.models import Investigation, Suspect, SuspectOutcome

from ..base import make_user
from ..browser import browser_sign_in, csp_watch, justify
from .police_fixtures import Operations, Sharing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"


@override_settings(SAFEGUARDING_NOW="2026-04-15T10:00:00+00:00")
def test_a_police_analyst_reads_the_police_figures(live_server: Any, page: Any) -> None:
    police = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    other = Agency.objects.create(name="Another Police (test)", kind=AgencyKind.POLICE)
    Sharing(police).crowd()
    Operations(police, other)
    make_user("ana", police, Role.ANALYST)
    SHOTS.mkdir(parents=True, exist_ok=True)
    violations = csp_watch(page)
    base = live_server.url
    browser_sign_in(page, base, "ana")

    page.goto(f"{base}/statistics/?from=2026-01-01&to=2026-03-31")
    section = page.locator("#police-figures")
    assert section.locator("#people-sharing tfoot td").last.inner_text() == "10"
    birch = section.locator("#operation-figures tr:has-text('Operation Birch') td")
    assert [birch.nth(i).inner_text() for i in range(4)] == ["Operation Birch", "0", "2", "2"]
    section.screenshot(path=str(SHOTS / "statistics-police-figures.png"))

    with page.context.expect_page() as opened:
        page.click("button:has-text('Committee report (HTML')")
    report = opened.value
    report.wait_for_load_state()
    part = report.locator("#police-figures")
    assert "(Q1 is January to March)" in part.inner_text()
    assert part.locator("#operation-figures tfoot td").first.inner_text() == "<5"
    part.screenshot(path=str(SHOTS / "committee-police-figures.png"))
    assert violations == []


@override_settings(SAFEGUARDING_NOW="2026-04-15T10:00:00+00:00")
def test_an_investigator_records_an_arrest(live_server: Any, page: Any) -> None:
    police = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    make_user("ivy", police, Role.INVESTIGATOR)
    investigation = Investigation.objects.create(
        owning_agency=police, reference="INV-7", title="Test images case",
        opened_on=date(2026, 1, 5))
    suspect = Suspect.objects.create(owning_agency=police, name="Test Suspectperson")
    suspect.investigations.add(investigation)
    SHOTS.mkdir(parents=True, exist_ok=True)
    violations = csp_watch(page)
    base = live_server.url
    browser_sign_in(page, base, "ivy")

    page.goto(f"{base}/investigations/suspects/{suspect.pk}/")
    justify(page)
    page.click("a:has-text('Record an arrest or charge')")
    page.wait_for_selector("h1:has-text('Record an arrest or charge')")
    page.select_option("select[name=investigation]", str(investigation.pk))
    page.fill("input[name=arrested_on]", "2026-03-02")
    page.fill("input[name=charged_on]", "2026-03-03")
    page.fill("input[name=offence]", "Distributing indecent images (test)")
    page.select_option("select[name=outcome]", "charged")
    page.screenshot(path=str(SHOTS / "suspect-outcome-form.png"), full_page=True)
    page.click("button:has-text('Save')")
    page.wait_for_selector("#outcomes")
    assert "Distributing indecent images (test)" in page.locator("#outcomes").inner_text()
    page.screenshot(path=str(SHOTS / "suspect-outcomes.png"), full_page=True)
    outcome = SuspectOutcome.objects.get()
    assert (outcome.arrested_on, outcome.charged_on) == (date(2026, 3, 2), date(2026, 3, 3))
    assert violations == []
