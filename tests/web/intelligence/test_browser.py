"""In a real browser: a referral imported on the page, its subject at the top of the ranked
queue with its score explained, and an investigation opened from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.intelligence.models import Subject
from safeguard.web.investigations.models import Investigation, Suspect
from safeguard.web.safeguarding.reference import load_reference_data

from ..base import make_user
from ..browser import browser_sign_in, csp_watch, justify
from .helpers import A_FILES, B_FILES, intel_home, referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_a_referral_to_a_ranked_subject_to_an_investigation(
        live_server: Any, page: Any) -> None:
    with intel_home() as home:
        run(live_server, page, home)


def run(live_server: Any, page: Any, home: Path) -> None:
    load_reference_data()
    police = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    make_user("sam", police, Role.SUPERVISOR)
    violations = csp_watch(page)
    base = live_server.url
    browser_sign_in(page, base, "sam")

    # Two referrals in one file: a lesser one, and one with category A material.
    upload = home / "referrals.json"
    upload.write_text(json.dumps({"referrals": [
        referral("NC-0001", email="quiet@example.org", md5s=[B_FILES[0]]),
        referral("NC-0002", email="alex.example@example.org", username="Dark_Fox",
                 ips=[("198.51.100.230", "2026-03-03T11:00:00Z")],
                 md5s=A_FILES[:4], distributed=True)]}))
    page.click("text=Intelligence")
    page.click("nav.subnav >> text=Import referrals")
    page.set_input_files("#id_document", str(upload))
    page.click("button[type=submit]:has-text('Import')")
    page.wait_for_selector("#result")
    assert "2 taken in, 0 already held, 0 refused" in page.inner_text("#result")

    # The queue: the category A subject first, with what counts most.
    page.click("nav.subnav >> text=Work queue")
    first_row = page.locator("table.queue tbody tr").first
    subject = Subject.objects.get(links__value="alex.example@example.org")
    assert subject.label in first_row.inner_text()
    assert "Category A material 20.0" in first_row.inner_text()
    first_row.locator("a").first.click()
    justify(page, "Reviewing a new referral for the tasking")
    page.wait_for_selector("#score")
    assert page.inner_text("#factor-category_a").startswith("Category A material")
    assert "4 distinct category A files" in page.inner_text("#factor-category_a")
    assert "Tamworth" in page.inner_text("p.lead")

    # Open an investigation from it.
    page.click("text=Open an investigation")
    page.fill("#id_reason", "Category A material distributed from a Tamworth address")
    page.click("button[type=submit]:has-text('Open the investigation')")
    page.wait_for_selector("h1")
    investigation = Investigation.objects.get()
    assert investigation.reference in page.inner_text("main")
    subject.refresh_from_db()
    assert (subject.status, subject.investigation, subject.suspect) == (
        "investigation", investigation, Suspect.objects.get())
    page.goto(f"{base}/intelligence/")
    assert subject.label not in page.inner_text("table.queue")

    # The live picture draws its chart on the server: no script, nothing blocked.
    page.goto(f"{base}/intelligence/live/")
    assert page.locator("svg.chart rect.bar").count() == 168
    assert violations == []
