"""In a real browser (issue 18's "done when"): a synthetic NCMEC package naming a
high-priority escalation, a child at the address and an intended recipient, imported on
the page, gives a subject in the immediate band, the child referred to the council's front
door within the clock and the recipient recorded as a child to identify; a report whose
subject is 15 goes to the safeguarding route; the timeliness page shows the figures."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.intelligence.models import ChildAtRisk, ChildRole, ChildStatus, Subject
from safeguard.web.safeguarding.models.tasks import Task
from safeguard.web.safeguarding.reference import load_reference_data

from ..base import make_user
from ..browser import browser_sign_in, csp_watch, justify
from .helpers import intel_home
from .test_ncmec import CHILD_SUBJECT, PACKAGE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COUNCIL = "Stoke-on-Trent City Council (test)"
SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"


def test_an_ncmec_package_to_a_child_referred_to_the_front_door(
        live_server: Any, page: Any) -> None:
    with intel_home(SAFEGUARDING_OVERRIDES={"local_authorities": [
            {"name": "Stoke-on-Trent City Council", "districts": ["E06000021"],
             "front_door": [COUNCIL]}]}) as home:
        run(live_server, page, home)


def run(live_server: Any, page: Any, home: Path) -> None:
    load_reference_data()
    police = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    council = Agency.objects.create(name=COUNCIL, kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    make_user("dora", police, Role.ANALYST)
    violations = csp_watch(page)
    base = live_server.url
    browser_sign_in(page, base, "dora")
    SHOTS.mkdir(parents=True, exist_ok=True)

    package = home / "cybertip-900000101.zip"
    with zipfile.ZipFile(package, "w") as zf:
        for item in sorted(PACKAGE.iterdir()):
            zf.write(item, item.name)
    page.click("text=Intelligence")
    page.click("nav.subnav >> text=Import referrals")
    page.set_input_files("#id_document", str(package))
    page.click("button[type=submit]:has-text('Import')")
    page.wait_for_selector("#result")
    result = page.inner_text("#result")
    assert "1 taken in, 0 already held, 0 refused" in result
    assert "referred to children's social care" in page.inner_text("#children-notes")

    subject = Subject.objects.get()
    page.click(f"#result >> text={subject.label}")
    justify(page, "Assessing a new online referral for the tasking")
    page.wait_for_selector("#band")
    assert page.inner_text("#band") == "Immediate"
    children = page.inner_text("#children")
    household = ChildAtRisk.objects.get(role=ChildRole.HOUSEHOLD)
    assert household.status == ChildStatus.REFERRED
    assert household.referred_at <= household.social_care_due_at  # within the clock
    row = page.inner_text(f"#child-{household.pk}")
    assert "Sam Example" in row and "Referred to children's social care" in row
    assert "on the register" in row
    recipient = ChildAtRisk.objects.get(role=ChildRole.RECIPIENT)
    assert "star_example_399" in children
    assert "To identify" in page.inner_text(f"#child-{recipient.pk}")
    assert Task.objects.get().assigned_agency == council  # the council's front door
    assert "2 of 2" not in page.inner_text("#factor-band")  # points, not the value
    assert "immediate" in page.inner_text("#factor-band")
    page.screenshot(path=str(SHOTS / "intelligence-subject-children.png"), full_page=True)

    # The referral as read, with what the report said and the XML as received.
    page.goto(f"{base}/intelligence/referrals/{subject.links.first().referral_id}/")
    justify(page, "Assessing a new online referral for the tasking")
    page.wait_for_selector("#format")
    assert page.inner_text("#format") == "ncmec-cybertipline"
    assert "ongoing contact" in page.inner_text("#escalation")
    assert "Sam Example" in page.inner_text("#children")
    page.screenshot(path=str(SHOTS / "intelligence-ncmec-referral.png"), full_page=True)
    page.goto(f"{base}/intelligence/subjects/{subject.pk}/")

    # The analyst's assessment page.
    page.click("text=Assess: access to children")
    page.wait_for_selector("#id_source")
    page.screenshot(path=str(SHOTS / "intelligence-assess.png"), full_page=True)

    # A report whose subject is 15: the safeguarding route, not the queue.
    page.goto(f"{base}/intelligence/referrals/import/")
    page.set_input_files("#id_document", str(CHILD_SUBJECT))
    page.click("button[type=submit]:has-text('Import')")
    page.wait_for_selector("#result")
    assert "safeguarding route" in page.inner_text("#children-notes")
    child_subject = Subject.objects.get(is_child=True)
    assert child_subject.status == "safeguarding"
    page.goto(f"{base}/intelligence/")
    assert child_subject.label not in page.inner_text("main")
    first_row = page.locator("table.queue tbody tr").first
    assert subject.label in first_row.inner_text()
    assert first_row.locator("td.band").inner_text() == "Immediate"
    page.screenshot(path=str(SHOTS / "intelligence-queue-bands.png"), full_page=True)
    # The safeguarding route has its own filter.
    page.goto(f"{base}/intelligence/?status=safeguarding")
    assert child_subject.label in page.inner_text("table.queue")

    page.click("nav.subnav >> text=Timeliness")
    page.wait_for_selector("#timeliness-1")
    assert "Immediate" in page.inner_text("#timeliness-1")
    page.screenshot(path=str(SHOTS / "intelligence-timeliness.png"), full_page=True)
    assert violations == []
