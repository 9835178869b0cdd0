"""The partners demo: fast, deterministic, idempotent, and usable (its code works)."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.test import Client, override_settings

from safeguard.web.accounts.models import AgencyKind
from safeguard.web.partners.demo import BUSINESSES, LICENSING_DISTRICT, seed_partners_demo
from safeguard.web.partners.models import (
    AccessCode,
    Attendance,
    Business,
    CodeStatus,
    ConcernLicence,
    ConcernReport,
    DriverAttendance,
    LicensedDriver,
    LicensingReferral,
    Sector,
    TrainingSession,
)
from safeguard.web.safeguarding.demo import seed_safeguarding_demo

from .base import NOW

pytestmark = pytest.mark.django_db


@override_settings(SAFEGUARDING_NOW=NOW)
def test_it_seeds_quickly_and_idempotently() -> None:
    started = time.perf_counter()
    summary = seed_partners_demo()
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"seeding took {elapsed:.1f} s"
    assert summary.created and summary.demo_code
    assert Business.objects.count() == BUSINESSES
    assert all(b.licence_number.startswith("DEMO-") for b in Business.objects.all())
    assert len({b.district_id for b in Business.objects.all()}) == 9
    assert TrainingSession.objects.count() >= 10
    assert all(s.attendances.exists() for s in TrainingSession.objects.all())
    assert Attendance.objects.filter(staff_names__gt="").exists()
    assert AccessCode.objects.filter(revoked_at__isnull=True).count() >= 10
    # Taxi firms in the licensing authority's district are its records; none elsewhere.
    licensed = Business.objects.filter(owning_agency__kind=AgencyKind.LICENSING_AUTHORITY)
    assert licensed.exists()
    assert {(b.sector, b.district.ons_code) for b in licensed} == {
        (Sector.TAXI, LICENSING_DISTRICT)}
    assert not Business.objects.filter(
        owning_agency__kind=AgencyKind.CHILDRENS_SOCIAL_CARE).exists()
    statuses = set(ConcernReport.objects.values_list("code_status", flat=True))
    assert statuses == {CodeStatus.VALID, CodeStatus.REVOKED, CodeStatus.UNKNOWN}
    again = seed_partners_demo()
    assert not again.created
    assert Business.objects.count() == BUSINESSES
    # The printed code works on the public form.
    before = ConcernReport.objects.count()
    response = Client().post("/partners/report/", {
        "code": summary.demo_code, "what_happened": "Trying the demo form with the code."})
    assert response.status_code == 303
    assert ConcernReport.objects.filter(code_status=CodeStatus.VALID).count() > 0
    assert ConcernReport.objects.count() == before + 1


@override_settings(SAFEGUARDING_NOW=NOW)
def test_the_same_seed_gives_the_same_partners() -> None:
    seed_partners_demo()
    first = list(Business.objects.order_by("licence_number").values_list(
        "name", "sector", "district__ons_code"))
    Attendance.objects.all().delete()
    LicensingReferral.objects.all().delete()
    DriverAttendance.objects.all().delete()
    ConcernReport.objects.all().delete()
    LicensedDriver.objects.all().delete()
    AccessCode.objects.all().delete()
    TrainingSession.objects.all().delete()
    Business.objects.all().delete()
    seed_partners_demo()
    second = list(Business.objects.order_by("licence_number").values_list(
        "name", "sector", "district__ons_code"))
    assert first == second


@override_settings(SAFEGUARDING_NOW=NOW)
def test_reports_are_linked_to_demo_children_when_the_register_is_seeded() -> None:
    seed_safeguarding_demo()
    seed_partners_demo()
    linked = ConcernReport.objects.filter(child_links__isnull=False).distinct()
    assert linked.exists()
    for report in linked:
        for link in report.child_links.all():
            assert report.business is not None
            assert link.child.district_id == report.business.district_id


@override_settings(SAFEGUARDING_NOW=NOW)
def test_licensed_drivers_their_training_and_a_referral() -> None:
    from safeguard.web.partners.demo import BADGE_PREFIX, DRIVERS
    from safeguard.web.partners.refreshers import refreshers

    seed_partners_demo()
    drivers = LicensedDriver.objects.filter(badge_number__startswith=BADGE_PREFIX)
    assert drivers.count() == DRIVERS
    assert {d.licensing_authority.kind for d in drivers} == {AgencyKind.LICENSING_AUTHORITY}
    assert all(s.attendances.exists() for s in TrainingSession.objects.all())
    rows = refreshers(Business.objects.none(), drivers, date.fromisoformat(NOW[:10]))
    # Drivers 1-3 were trained only 26 months ago: their refreshers are overdue.
    assert sorted(r.record.badge_number for r in rows if r.overdue) == [
        f"{BADGE_PREFIX}{n:04d}" for n in (1, 2, 3)]
    referral = LicensingReferral.objects.get()
    assert referral.assigned_agency.kind == AgencyKind.LICENSING_AUTHORITY
    assert referral.owning_agency.kind == AgencyKind.POLICE
    assert ConcernLicence.objects.filter(report=referral.link.report).count() == 2
    seed_partners_demo()   # idempotent
    assert LicensedDriver.objects.count() == DRIVERS
