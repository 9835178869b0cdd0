"""In Chromium: an examiner signs in with a TOTP code, opens an exhibit (giving a reason),
starts a triage, watches the job page until it is done, and sees the category counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.audit.models import Action, AuditEvent
from safeguard.web.investigations.models import Exhibit, ExhibitType, Investigation
from safeguard.web.triage_runs.models import JobStatus, TriageJob
from safeguard.web.triage_runs.worker import run_worker

from ..base import make_user
from ..browser import browser_sign_in, csp_watch, justify
from .test_worker import build_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_triage_started_in_the_browser_runs_to_its_figures(
    live_server: Any, page: Any, tmp_path: Path, evidence_folder: Path
) -> None:
    evidence = build_case(evidence_folder, tmp_path)
    with override_settings(HOME=tmp_path):
        run_in_browser(live_server.url, page, evidence)


def run_in_browser(url: str, page: Any, evidence: Path) -> None:
    agency = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    erin = make_user("erin", agency, Role.FORENSIC_EXAMINER)
    investigation = Investigation.objects.create(
        owning_agency=agency, reference="DEMO-0001", title="Operation Lantern (test)",
        opened_on=dt.date(2026, 11, 2), officer_in_charge=erin)
    exhibit = Exhibit.objects.create(
        owning_agency=agency, investigation=investigation, reference="EX-0001",
        exhibit_type=ExhibitType.USB_STICK, evidence_path=str(evidence))
    violations = csp_watch(page)
    # The progress polls wait for this thread between Playwright calls, so that the
    # worker below never shares the in-memory test database with the server's thread.
    page.route("**/progress.json", lambda route: route.continue_())

    browser_sign_in(page, url, erin.username)
    page.click("text=Exhibits and triage")
    page.click("text=EX-0001")
    # DPA s62: the reason first.
    justify(page, "Triage of the seized USB stick for the OIC")
    page.wait_for_selector("#run-triage")
    assert "EX-0001" in page.locator("h1").inner_text()
    page.check("input[name=hashsets][value=test-bad]")
    page.click("#run-triage button[type=submit]")
    page.wait_for_url("**/investigations/jobs/*/")
    assert page.locator("#job-status").inner_text() == "Queued"
    job = TriageJob.objects.get(exhibit=exhibit)
    assert job.requested_by == erin

    assert run_worker(once=True, threads=2) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error

    # The page's next poll sees the job done and reloads itself with the results.
    page.wait_for_selector("#category-figures", timeout=15_000)
    assert page.locator("#job-status").inner_text() == "Done"
    # Who examined the items: the engine told the job (ProgressSink.workers).
    assert page.locator("#job-examined-by").inner_text().endswith("on this machine")
    row_a = page.locator('#category-figures tr[data-category="A"] td')
    assert row_a.all_inner_texts()[:4] == ["3", "2", "0", "0"]
    row_b = page.locator('#category-figures tr[data-category="B"] td')
    assert row_b.all_inner_texts()[:2] == ["1", "1"]
    assert page.locator("#unmatched-images").inner_text() == "3"
    page.click("text=Browse the 8 files")
    page.wait_for_selector("#files")
    assert page.locator("#files tbody tr").count() == 8
    assert page.locator("#files img").count() == 0
    assert violations == []
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(job.pk),
                                     actor=erin).exists()
