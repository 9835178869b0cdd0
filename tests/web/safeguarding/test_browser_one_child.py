"""In a real browser (Debian's Chromium), with axe-core on each new page: a second agency
registering a child already on the platform is offered the existing record and asks for
access; a partner sees what another agency holds ("held by"), asks for access, the holder
grants it and the records open; the chronology, on screen and as printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from safeguard.web.accounts.models import Agency, AgencyKind, Role, User
from safeguard.web.core.models import Area
from safeguard.web.safeguarding.models import (
    AccessRequest,
    AccessStatus,
    Child,
    LegalStatus,
    MissingEpisode,
    MissingFrom,
    Placement,
)
from safeguard.web.safeguarding.reference import load_reference_data

from ..base import make_user
from ..browser import browser_sign_in, csp_watch, justify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = "2026-03-03T10:00:00+00:00"
SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"
AXE_OPTIONS = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}


def axe_problems(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS).response
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in results["violations"]
            if v["impact"] in {"serious", "critical"}]


def setting() -> tuple[Agency, Agency, Child]:
    load_reference_data()
    police = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    council = Agency.objects.create(name="Staffordshire County Council (test)",
                                    kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    make_user("alice", police, Role.INVESTIGATOR)
    make_user("bob", council, Role.PRACTITIONER)
    child = Child.objects.create(
        owning_agency=police, first_name="Jessica", last_name="Synthetic",
        date_of_birth=date(2012, 4, 7), gender="female",
        district=Area.objects.get(ons_code="E07000198"), address="4 Demo Row, Stafford",
        legal_status=LegalStatus.NONE, placement=Placement.HOME, nhs_number="9434765919")
    for day in (20, 26):
        MissingEpisode.objects.create(
            owning_agency=police, child=child, missing_from=MissingFrom.HOME,
            reported_at=timezone.make_aware(timezone.datetime(2026, 2, day, 21, 0)))
    return police, council, child


@override_settings(SAFEGUARDING_NOW=NOW)
def test_a_second_agency_registering_the_child_is_offered_the_existing_record(
        live_server: Any, page: Any) -> None:
    police, _council, child = setting()
    violations = csp_watch(page)
    base = live_server.url
    browser_sign_in(page, base, "bob")
    page.goto(f"{base}/safeguarding/children/new/")
    page.fill("#id_first_name", "Jess")
    page.fill("#id_last_name", "Synthetic")
    page.fill("#id_date_of_birth", "2012-07-04")  # day and month swapped
    page.select_option("#id_gender", "female")
    page.select_option("#id_district", label="Stafford")
    page.click("button[type=submit]:has-text('Save')")
    offers = page.locator("#possible-duplicates")
    offers.wait_for()
    text = offers.inner_text()
    assert "A record held by Staffordshire Police (test)" in text
    assert "day and month swapped" in text and "nickname" in text
    assert "4 Demo Row" not in page.content() and "9434765919" not in page.content()
    assert Child.objects.count() == 1  # nothing saved
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "register-duplicate-offer.png"), full_page=True)
    assert axe_problems(page) == []
    page.fill("#id_access-reason", "The school referred Jess to us this morning.")
    page.click("button:has-text('Ask Staffordshire Police (test) for access')")
    page.wait_for_url("**/safeguarding/access/")
    assert "Awaiting the holder's decision" in page.locator("#requests-by-us").inner_text()
    made = AccessRequest.objects.get()
    assert (made.child, made.holder) == (child, police)
    assert violations == []


@override_settings(SAFEGUARDING_NOW=NOW)
def test_a_partner_sees_held_by_another_agency_and_gets_access(
        live_server: Any, browser: Any) -> None:
    _police, council, child = setting()
    from safeguard.web.core.models import Share

    Share.objects.create(record=child, agency=council, reason="Working with the child",
                         shared_by=User.objects.get(username="alice"))
    base = live_server.url
    bob = browser.new_context().new_page()
    violations = csp_watch(bob)
    browser_sign_in(bob, base, "bob")
    bob.goto(f"{base}/safeguarding/children/{child.pk}/")
    justify(bob)
    held = bob.locator("#held-elsewhere").inner_text()
    assert "2 missing episodes are held by Staffordshire Police (test)." in held
    bob.screenshot(path=str(SHOTS / "register-held-by.png"), full_page=True)
    assert axe_problems(bob) == []
    bob.click("#held-elsewhere a:has-text('Request access')")
    bob.fill("#id_reason", "Strategy discussion tomorrow: we need the episodes.")
    assert axe_problems(bob) == []
    bob.click("button:has-text('Send the request')")
    bob.wait_for_url(f"**/safeguarding/children/{child.pk}/")

    alice = browser.new_context().new_page()
    browser_sign_in(alice, base, "alice")
    alice.goto(f"{base}/safeguarding/access/")
    assert "Strategy discussion tomorrow" in alice.locator("#requests-to-us").inner_text()
    alice.screenshot(path=str(SHOTS / "register-access-requests.png"), full_page=True)
    assert axe_problems(alice) == []
    alice.check("#requests-to-us input[value=grant]")
    alice.click("#requests-to-us button:has-text('Decide')")
    alice.wait_for_selector("text=Granted")
    assert AccessRequest.objects.get().status == AccessStatus.GRANTED

    bob.goto(f"{base}/safeguarding/children/{child.pk}/")
    assert bob.locator("#held-elsewhere").count() == 0
    episode = MissingEpisode.objects.order_by("pk").first()
    assert episode is not None
    bob.goto(f"{base}/safeguarding/missing/{episode.pk}/")
    assert bob.locator("h1").count() and "404" not in bob.title()
    assert violations == []


@override_settings(SAFEGUARDING_NOW=NOW)
def test_the_chronology_on_screen_and_printed(live_server: Any, page: Any) -> None:
    _police, _council, child = setting()
    violations = csp_watch(page)
    base = live_server.url
    browser_sign_in(page, base, "alice")
    page.goto(f"{base}/safeguarding/children/{child.pk}/")
    justify(page)
    page.click("#chronology-link")
    page.wait_for_selector("#chronology")
    rows = page.locator("#chronology tbody tr")
    assert rows.count() >= 3
    assert "Missing: reported" in page.locator("#chronology").inner_text()
    page.screenshot(path=str(SHOTS / "register-chronology.png"), full_page=True)
    assert axe_problems(page) == []
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("nav.subnav").is_visible()
    assert page.locator(".print-only").is_visible()
    page.screenshot(path=str(SHOTS / "register-chronology-print.png"), full_page=True)
    assert violations == []


@override_settings(SAFEGUARDING_NOW=NOW)
def test_merging_two_records_of_the_child_and_undoing_it(live_server: Any, page: Any) -> None:
    _police, council, child = setting()
    from safeguard.web.core.models import Share

    Share.objects.create(record=child, agency=council, reason="Working with the child",
                         shared_by=User.objects.get(username="alice"))
    second = Child.objects.create(
        owning_agency=council, first_name="Jess", last_name="Synthetic",
        date_of_birth=date(2012, 4, 7), gender="female", district=child.district,
        legal_status=LegalStatus.NONE, placement=Placement.HOME)
    violations = csp_watch(page)
    base = live_server.url
    browser_sign_in(page, base, "bob")
    page.goto(f"{base}/safeguarding/children/{second.pk}/")
    justify(page)
    assert "Possibly the same child" in page.locator("#same-child").inner_text()
    page.click("#merge-link")
    page.wait_for_selector("h1:has-text('Merge Jess Synthetic')")
    page.fill("#id_reason", "The police's record of the same child: one record now.")
    page.screenshot(path=str(SHOTS / "register-merge.png"), full_page=True)
    assert axe_problems(page) == []
    page.click("button:has-text('Merge')")
    page.wait_for_url(f"**/safeguarding/children/{child.pk}/")
    if page.locator("#justification").count():  # the kept record asks its own reason
        justify(page)
    second.refresh_from_db()
    assert second.merged_into == child
    assert "Merged in" in page.locator("#same-child").inner_text()
    page.click("#same-child summary:has-text('Undo the merge')")
    page.fill("#same-child textarea[name=reason]", "Checked with the school: two children.")
    page.click("#same-child button:has-text('Undo the merge')")
    page.wait_for_selector("text=The merge is undone")
    second.refresh_from_db()
    assert second.merged_into is None
    assert violations == []
