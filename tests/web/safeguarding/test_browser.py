"""In a real browser: create a child, a risk screening with an override, and a missing
episode whose return home interview becomes overdue when the register's clock moves on
(a date setting, no sleeping)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.audit.models import Action, AuditEvent
from safeguard.web.safeguarding.models import Child, MissingEpisode, RiskAssessment
from safeguard.web.safeguarding.reference import load_reference_data

from ..base import make_user
from ..browser import browser_sign_in, csp_watch, justify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = "2026-03-03T10:00:00+00:00"
LATER = "2026-03-06T09:30:00+00:00"  # 72 hours after a return at 09:00 on 3 March, and more
REASON = "Recording a new referral from the school"


@override_settings(SAFEGUARDING_NOW=NOW)
def test_a_child_a_screening_with_an_override_and_an_overdue_interview(
        live_server: Any, page: Any) -> None:
    load_reference_data()
    police = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    make_user("alice", police, Role.INVESTIGATOR)
    violations = csp_watch(page)
    base = live_server.url
    browser_sign_in(page, base, "alice")

    # The register from the home page, then a new child.
    page.click("text=Safeguarding register")
    page.click("a.card:has-text('Children')")
    page.click("text=New child")
    page.fill("#id_first_name", "Poppy")
    page.fill("#id_last_name", "Synthetic")
    page.fill("#id_date_of_birth", "2012-02-29")
    page.select_option("#id_gender", "female")
    page.select_option("#id_ethnicity", "white_british")
    page.select_option("#id_district", label="Tamworth")
    page.select_option("#id_legal_status", "care_order")
    page.select_option("#id_placement", "residential")
    page.click("button[type=submit]:has-text('Save')")
    justify(page, REASON)
    page.wait_for_selector("h1:has-text('Poppy Synthetic')")
    assert "14 years old" in page.locator("p.lead").inner_text()
    child = Child.objects.get(last_name="Synthetic")
    assert child.district.ons_code == "E07000199"

    # A risk screening: two indicators (score 4, low), overridden to high with a reason.
    page.click("text=New screening: CSE screening tool")
    page.check("input[name=indicators][value=residential-care]")
    page.check("input[name=indicators][value=school-absence]")
    page.select_option("#id_override_grade", "high")
    page.click("button[type=submit]:has-text('Record the screening')")
    # The reason is mandatory: the error names the field, nothing is saved.
    assert "Reason for the override" in page.locator("#error-summary").inner_text()
    assert not RiskAssessment.objects.exists()
    page.fill("#id_override_reason", "Seen getting into cars with unknown adults twice.")
    page.click("button[type=submit]:has-text('Record the screening')")
    page.wait_for_selector("#grade")
    assert page.locator("#grade").inner_text() == "High"
    assert "Seen getting into cars" in page.locator("#override").inner_text()
    assessment = RiskAssessment.objects.get()
    assert (assessment.score, assessment.calculated_grade, assessment.grade) == (2, "low", "high")

    # A missing episode, then the return: the interview falls due 72 hours later.
    page.click(f"a:has-text('{child}')")
    page.click("text=Report a missing episode")
    page.select_option("#id_missing_from", "care_placement")
    page.select_option("#id_episode_type", "missing")
    page.fill("#id_reported_at", "2026-03-02T22:00")
    page.select_option("#id_police_risk_grade", "medium")
    page.click("button[type=submit]:has-text('Save')")
    page.click("text=Found, return and interview")
    page.fill("#id_found_at", "2026-03-03T08:30")
    page.fill("#id_where_found", "A retail park")
    page.fill("#id_returned_at", "2026-03-03T09:00")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_selector("#interview-due")
    assert "Friday 6 Mar 2026 09:00" in page.locator("#interview-due").inner_text()
    assert page.locator("#interview-overdue").count() == 0
    episode = MissingEpisode.objects.get()

    with override_settings(SAFEGUARDING_NOW=LATER):
        page.reload()
        assert page.locator("#interview-overdue").inner_text() == "Overdue"
        page.goto(f"{base}/safeguarding/work/overdue/")
        assert "Return home interview after the return of 3 Mar 2026" in page.inner_text(
            "main")
    assert AuditEvent.objects.filter(action=Action.VIEW, object_id=str(episode.pk),
                                     object_type="safeguarding.missingepisode").exists()
    assert violations == []
