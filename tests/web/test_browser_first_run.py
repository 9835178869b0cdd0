"""In Chromium, what a newcomer's first run found wanting (issue 14), as page behaviour:
the review counts read the same on the exhibit and the queue (headings over their
numbers); "Reveal" reads "Hide" while revealed; the reason prompt takes the focus and
Cancel goes back; a running triage shows its share read and time left, and its run folder
once it has one; the live picture brings itself up to date; a child's buttons share one
line. No script or style breaks the content security policy."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.investigations.models import Exhibit, ExhibitType, Investigation
from safeguard.web.triage_runs.models import JobStatus, TriageJob

from .base import make_user
from .browser import browser_sign_in, csp_watch, justify
from .review.helpers import exhibit_to_review, write_evidence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Checking the page for the newcomer review"


def align(page: Any, selector: str) -> str:
    return str(page.eval_on_selector(selector, "e => getComputedStyle(e).textAlign"))


def test_the_review_reads_alike_everywhere_and_reveal_becomes_hide(
        one_request_at_a_time: Any, page: Any, evidence_folder: Path) -> None:
    base = one_request_at_a_time.url
    write_evidence(evidence_folder)
    dora, exhibit, _ = exhibit_to_review(evidence_folder)
    violations = csp_watch(page)
    browser_sign_in(page, base, dora.username)

    # The reason prompt: the reason box has the focus; Cancel goes back to the
    # page the user came from, not the home page.
    page.goto(f"{base}/investigations/exhibits/")
    page.click(f"a:has-text('{exhibit.reference}')")
    page.wait_for_selector("#justification")
    assert page.evaluate("document.activeElement.name") == "justification"
    page.click("#cancel-justification")
    page.wait_for_url(f"{base}/investigations/exhibits/")
    page.click(f"a:has-text('{exhibit.reference}')")
    justify(page, REASON)

    # The counts: the same table and the same alignment on both pages, each
    # heading over its numbers.
    heading = "#review-counts thead tr:nth-child(2) th:first-child"
    number = "#review-counts tbody tr:first-child td:first-of-type"
    on_exhibit = (align(page, heading), align(page, number))
    page.click("#open-review")
    page.wait_for_selector(".review-card")
    assert (align(page, heading), align(page, number)) == on_exhibit == (
        "right", "right")

    link = page.locator(".reveal-link").first
    assert link.inner_text() == "Reveal"
    link.click()
    page.locator("img.revealed").wait_for()
    assert link.inner_text() == "Hide"
    assert link.get_attribute("aria-expanded") == "true"
    link.click()
    assert page.locator("img.revealed").count() == 0
    assert link.inner_text() == "Reveal"
    # Without the script the link does the same: a revealed card's link hides.
    page.goto(page.url.split("?")[0] + "?" + link.get_attribute("href").split("?")[1])
    assert page.locator(".reveal-link", has_text="Hide").count() == 1
    assert violations == []


def test_a_running_triage_shows_its_share_and_time_left(live_server: Any,
                                                       page: Any) -> None:
    base = live_server.url
    agency = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    erin = make_user("erin", agency, Role.FORENSIC_EXAMINER)
    investigation = Investigation.objects.create(
        owning_agency=agency, reference="INV-1", title="Test", opened_on=dt.date(2026, 11, 2),
        officer_in_charge=erin)
    exhibit = Exhibit.objects.create(owning_agency=agency, investigation=investigation,
                                     reference="EX-0001", exhibit_type=ExhibitType.LAPTOP)
    job = TriageJob.objects.create(exhibit=exhibit, requested_by=erin)
    violations = csp_watch(page)
    browser_sign_in(page, base, erin.username)
    page.goto(f"{base}/investigations/jobs/{job.pk}/")
    justify(page, REASON)
    assert page.locator("#job-status").inner_text() == "Queued"
    assert page.locator("#job-out-dir").inner_text() == "assigned when the run starts"
    assert page.locator(".messages").count() == 0  # no "Triage queued" left standing

    # The worker starts it, and the engine gives the evidence's size: the next poll shows
    # the share read, the time left and the run folder.
    TriageJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, stage="examining",
        started_at=timezone.now() - dt.timedelta(seconds=60), files_done=300,
        bytes_done=300 * 1024 * 1024, bytes_total=1200 * 1024 * 1024,
        out_dir="/srv/safeguard/jobs/1")
    page.locator("#job-percent", has_text="25%").wait_for()  # no eval: the page's CSP
    assert page.locator("#job-bar").get_attribute("value") == "25"
    assert page.locator("#job-remaining").inner_text() == "about 3 min left"
    assert page.locator("#job-read").inner_text() == "300.0 MB of 1.2 GB"
    assert page.locator("#job-out-dir code").inner_text() == "/srv/safeguard/jobs/1"
    assert violations == []


def test_the_live_picture_refreshes_itself(live_server: Any, page: Any) -> None:
    base = live_server.url
    agency = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    ana = make_user("ana", agency, Role.ANALYST)
    violations = csp_watch(page)
    browser_sign_in(page, base, ana.username)
    page.goto(f"{base}/intelligence/live/")
    assert page.locator("#live-picture").get_attribute("data-refresh-seconds") == "60"
    page.evaluate("document.getElementById('live-at').textContent = 'stale'")
    with page.expect_response(lambda r: "/intelligence/live/update/" in r.url) as answer:
        # What the timer does, without waiting a minute: the page being shown again.
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    assert answer.value.status == 200
    page.locator("#live-at", has_text=re.compile(r"\d{4} \d\d:\d\d")).wait_for()
    assert page.locator("svg.chart").count() == 1
    assert violations == []


def test_a_childs_buttons_share_one_line(live_server: Any, page: Any) -> None:
    from safeguard.web.safeguarding.reference import load_reference_data

    from .safeguarding.base import make_child

    load_reference_data()
    agency = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    alice = make_user("alice", agency, Role.INVESTIGATOR)
    child = make_child(agency)
    browser_sign_in(page, live_server.url, alice.username)
    page.goto(f"{live_server.url}/safeguarding/children/{child.pk}/")
    justify(page, REASON)
    sharing = page.locator(".record-bar a:has-text('Sharing')").bounding_box()
    change = page.locator(".record-bar a:has-text('Change details')").bounding_box()
    assert sharing is not None and change is not None
    assert abs(sharing["y"] - change["y"]) < 2
    assert change["x"] > sharing["x"] + sharing["width"]
