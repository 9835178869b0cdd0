"""In a real browser: a 12-year-old screened with a sexually transmitted infection is
graded High with the action the age rule requires, whatever the score (London Child
Protection Procedures PG42 §2.1), and the indicators the records suggest are shown
unticked for the practitioner to confirm."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.core.models import Area
from safeguard.web.safeguarding.models import (
    Child,
    LegalStatus,
    LegalStatusChange,
    Placement,
    RiskAssessment,
)
from safeguard.web.safeguarding.reference import load_reference_data

from ..base import make_user
from ..browser import browser_sign_in, csp_watch, justify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = "2026-03-03T10:00:00+00:00"


@override_settings(SAFEGUARDING_NOW=NOW)
def test_a_12_year_old_with_an_sti_is_high_with_the_required_action(
        live_server: Any, page: Any) -> None:
    load_reference_data()
    police = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    make_user("alice", police, Role.INVESTIGATOR)
    child = Child.objects.create(
        owning_agency=police, first_name="Maisie", last_name="Synthetic",
        date_of_birth=date(2013, 6, 1), gender="female",  # 12 on 3 March 2026
        district=Area.objects.get(ons_code="E07000199"), legal_status=LegalStatus.CARE_ORDER,
        placement=Placement.RESIDENTIAL)
    LegalStatusChange.objects.create(child=child, status=child.legal_status,
                                     since=date(2024, 1, 1))
    violations = csp_watch(page)
    base = live_server.url
    browser_sign_in(page, base, "alice")

    page.goto(f"{base}/safeguarding/children/{child.pk}/")
    justify(page, "Screening after a health appointment")
    page.click("text=New screening: CSE screening tool")
    # The placement suggests an indicator; it is shown, not ticked.
    suggested = page.locator("label:has(input[value=residential-care]) .badge.suggested")
    assert "residential care" in suggested.inner_text()
    assert not page.is_checked("input[name=indicators][value=residential-care]")

    # One indicator, weight 3: the score alone would say Medium for a 12-year-old.
    page.check("input[name=indicators][value=sti-pregnancy]")
    page.select_option("#id_override_grade", "low")
    page.fill("#id_override_reason", "Trying to lower the grade below the age rule.")
    page.click("button[type=submit]:has-text('Record the screening')")
    # The rule is a floor: an override may not lower it.
    assert "may raise the grade, not lower it" in page.locator("#error-summary").inner_text()
    page.screenshot(path="/tmp/screening-form.png", full_page=True)
    assert not RiskAssessment.objects.exists()

    page.select_option("#id_override_grade", "")
    page.fill("#id_override_reason", "")
    page.click("button[type=submit]:has-text('Record the screening')")
    page.wait_for_selector("#grade")
    assert page.locator("#grade").inner_text() == "High"
    action = page.locator("#required-action").inner_text()
    assert "strategy discussion now" in action
    assert "PG42" in action
    assert page.locator("#age-at-screening").inner_text() == "12"
    page.screenshot(path="/tmp/screening-detail.png", full_page=True)
    assessment = RiskAssessment.objects.get()
    assert (assessment.score, assessment.calculated_grade, assessment.grade) == (
        3, "high", "high")
    assert [rule["code"] for rule in assessment.rules_applied] == ["under-13-sexual-activity"]
    assert assessment.suggestions[0]["confirmed"] is False

    # The child's page flags the screening that requires action.
    page.click("a:has-text('Maisie Synthetic')")
    assert "action required" in page.locator("#grade-history").inner_text()
    page.screenshot(path="/tmp/screening-child.png", full_page=True)
    assert violations == []
