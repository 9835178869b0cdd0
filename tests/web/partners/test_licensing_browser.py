"""In Chromium: the police link a concern report to a driver's badge and refer it to the
licensing authority; the authority finds the referral, acknowledges it and records what
it did, and the police see the outcome. The drivers, refreshers and coverage pages are
walked on the way (SAFEGUARD_SCREENSHOTS=folder keeps a picture of each)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.core.models import Area
from safeguard.web.partners.models import (
    CodeStatus,
    ConcernReport,
    DriverAttendance,
    LicensedDriver,
    LicensingReferral,
    ReferralStatus,
    Sector,
    TrainingSession,
)
from safeguard.web.safeguarding.reference import load_reference_data

from ..base import make_user
from ..browser import csp_watch, justify, shot, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = "2026-03-03T10:00:00+00:00"


@override_settings(SAFEGUARDING_NOW=NOW, PARTNERS_REFRESHER_MONTHS=24)
def test_a_driver_is_referred_to_the_licensing_authority(live_server: Any, page: Any) -> None:
    load_reference_data()
    police = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    council = Agency.objects.create(name="Stafford Borough Council Licensing (test)",
                                    kind=AgencyKind.LICENSING_AUTHORITY)
    make_user("alice", police, Role.INVESTIGATOR)
    make_user("lena", council, Role.PRACTITIONER)
    area = Area.objects.get(ons_code="E07000197")
    old = TrainingSession.objects.create(owning_agency=council, held_on=date(2023, 11, 2),
                                         trainer="Trainer Test", sector=Sector.TAXI,
                                         district=area, course="Driver safeguarding")
    for number, name in enumerate(("Avery Example", "Blake Example", "Casey Example"), 1):
        driver = LicensedDriver.objects.create(
            owning_agency=council, name=name, badge_number=f"HD{number:04d}",
            licensing_authority=council)
        if number < 3:
            DriverAttendance.objects.create(session=old, driver=driver)
    report = ConcernReport.objects.create(
        owning_agency=police, received_at=timezone.now(), code_status=CodeStatus.VALID,
        what_happened="A driver picked up a girl who looked about 14 late at night.",
        vehicles="Silver saloon, taxi plate 42")
    base = live_server.url
    violations = csp_watch(page)

    # The council's own pages: drivers, one driver, the overdue refreshers, coverage.
    sign_in_as(page, base, "lena")
    page.goto(f"{base}/partners/drivers/")
    assert page.locator("text=HD0001").count() == 1
    shot(page, "licensing-driver-list")
    page.click("text=HD0001")
    assert "overdue" in page.inner_text("main")
    shot(page, "licensing-driver-detail")
    page.goto(f"{base}/partners/training/refreshers/")
    assert "Avery Example" in page.inner_text("main")
    shot(page, "licensing-refreshers")
    page.goto(f"{base}/partners/coverage/")
    assert "By licensing authority" in page.inner_text("main")
    shot(page, "licensing-coverage")
    page.goto(f"{base}/partners/training/{old.pk}/")
    shot(page, "licensing-session")

    # The police: link the badge, refer it.
    sign_in_as(page, base, "alice")
    page.goto(f"{base}/partners/concerns/{report.pk}/")
    justify(page)
    page.select_option("select[name=licensing_authority]", str(council.pk))
    page.fill("input[name=badge_number]", "HD0002")
    page.fill("input[name=registration]", "DE10 MOA")
    page.click("text=Link the licence or vehicle")
    page.wait_for_load_state()
    assert "badge HD0002 · vehicle DE10MOA" in page.inner_text("#main")
    page.click("summary:has-text('Refer to')")
    page.fill("textarea[name=note]", "A trained business reported this driver.")
    shot(page, "licensing-concern-linked")
    page.click("button:has-text('Refer to the licensing authority')")
    page.wait_for_url("**/licensing-referrals/*/")
    referral = LicensingReferral.objects.get()
    assert referral.assigned_agency == council

    # The council: its list, the referral (not the report), acknowledge, record.
    sign_in_as(page, base, "lena")
    page.goto(f"{base}/partners/licensing-referrals/")
    shot(page, "licensing-referral-list")
    page.click("td a")
    text = page.inner_text("main")
    assert "A trained business reported this driver." in text
    assert "late at night" not in text       # the report's own words stay with the police
    assert "Blake Example" in text           # the council's record of the badge
    page.click("button:has-text('Acknowledge')")
    page.wait_for_load_state()
    page.select_option("select[name=outcome]", "suspended")
    page.fill("textarea[name=outcome_notes]", "Suspended while the council reviews it.")
    shot(page, "licensing-referral-respond")
    page.click("button:has-text('Record')")
    page.wait_for_load_state()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RESPONDED

    sign_in_as(page, base, "alice")
    page.goto(f"{base}/partners/concerns/{report.pk}/")
    justify(page)
    assert "action recorded" in page.inner_text("#licences + ul")
    shot(page, "licensing-concern-referred")
    assert violations == []
