"""In a real browser: an analyst reads the rates per 10,000 children and the outcome
measures on the statistics page, exact and as published, then opens the committee
report's HTML and finds the same sections; no Content-Security-Policy violation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind, Role

from ..base import make_user
from ..browser import browser_sign_in, csp_watch
from .outcome_fixtures import OutcomeWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cells(page: Any, key: str) -> list[str]:
    row = page.locator(f"#outcomes-table tr[data-outcome={key}] td.num")
    return [row.nth(i).inner_text() for i in range(row.count())]


@override_settings(SAFEGUARDING_NOW="2026-04-15T10:00:00+00:00")
def test_an_analyst_reads_the_rates_and_outcomes(live_server: Any, page: Any) -> None:
    police = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    OutcomeWorld(police)
    make_user("ana", police, Role.ANALYST)
    violations = csp_watch(page)
    browser_sign_in(page, live_server.url, "ana")
    page.goto(f"{live_server.url}/statistics/")
    page.wait_for_selector("#outcomes h2")

    # Exact figures (a police analyst, a quarter): the hand counts of outcome_fixtures.py.
    assert cells(page, "grade_reduced") == ["6", "12", "50%"]
    assert cells(page, "interviews_offered") == ["9", "12", "75%"]
    assert cells(page, "breaches_to_orders") == ["2", "5", "40%"]
    rates = page.locator("#rates-table").inner_text()
    assert "Stoke-on-Trent" in rates and "58,485" in rates
    page.locator("#rates").screenshot(path="/tmp/statistics-rates.png")
    page.locator("#outcomes").screenshot(path="/tmp/statistics-outcomes.png")

    page.select_option("#f-view", "published")
    page.click("#period-form button[type=submit]")
    page.wait_for_selector("p.lead:has-text('as they would be published')")
    assert cells(page, "grade_reduced") == ["6", "12", "50%"]
    assert cells(page, "interviews_offered") == ["*", "12", "–"]  # the 3 not offered: <5

    with page.context.expect_page() as opened:
        page.click("button:has-text('Committee report (HTML')")
    report = opened.value
    report.wait_for_load_state()
    report.wait_for_selector("#outcomes-table")
    assert cells(report, "grade_reduced") == ["6", "12", "50%"]
    assert "No rate for" in report.locator("#rates").inner_text()
    report.locator("#rates").screenshot(path="/tmp/report-rates.png")
    report.locator("#outcomes").screenshot(path="/tmp/report-outcomes.png")
    assert violations == []
