"""Licensed drivers: recorded by badge and licensing authority, trained at the same
sessions as businesses, refreshers due a configurable interval after the last session,
and coverage by licensing authority and sector. The counts are worked out by hand from
the fixture's comments."""

from __future__ import annotations

from datetime import date

from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.partners.coverage import NOT_RECORDED, by_authority
from safeguard.web.partners.models import (
    Attendance,
    Business,
    DriverAttendance,
    LicensedDriver,
    Sector,
    TrainingSession,
)
from safeguard.web.partners.refreshers import due_on, refreshers

from ..base import make_user
from .base import TODAY, PartnersTestCase, make_business


def session_on(agency: Agency, held_on: date, area: object) -> TrainingSession:
    return TrainingSession.objects.create(owning_agency=agency, held_on=held_on,
                                          trainer="Trainer Test", sector=Sector.TAXI,
                                          district=area)


@override_settings(PARTNERS_REFRESHER_MONTHS=24)
class DriverTests(PartnersTestCase):
    """TODAY is 3 Mar 2026; a refresher is due 24 months after the last session.

    Council L (lena's licensing authority) licenses drivers A-E; council M driver F.
    - A: trained 3 Mar 2024 -> due 3 Mar 2026: due today, not overdue.
    - B: trained 2 Mar 2024 -> due 2 Mar 2026: overdue.
    - C: trained 10 Jan 2023 and 1 Jun 2025 -> due 1 Jun 2027.
    - D: never trained (not due a refresher; counted untrained in coverage).
    - E: trained 10 Jan 2023 but no longer licensed: nowhere.
    - F (council M): never trained.
    Businesses: the base fixture's taxi firm (no authority; trained 10 Feb 2026, due
    10 Feb 2028); "Oldline Kebabs" (takeaway, L; trained 5 May 2023 only: overdue);
    "Nevertrained Inn" (hotel, M; not trained).
    """

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council = Agency.objects.create(name="L Council Licensing (test)",
                                            kind=AgencyKind.LICENSING_AUTHORITY)
        cls.other_council = Agency.objects.create(name="M Council Licensing (test)",
                                                  kind=AgencyKind.LICENSING_AUTHORITY)
        cls.lena = make_user("lena", cls.council, Role.PRACTITIONER)
        own = cls.owner_agency

        def driver(badge: str, authority: Agency = cls.council, **fields: object
                   ) -> LicensedDriver:
            return LicensedDriver.objects.create(
                owning_agency=own, name=f"Driver {badge}", badge_number=badge,
                licensing_authority=authority, **fields)

        cls.a, cls.b, cls.c, cls.d = (driver(x) for x in ("A1", "B2", "C3", "D4"))
        cls.e = driver("E5", licensed=False)
        cls.f = driver("F6", authority=cls.other_council)
        sessions = {day: session_on(own, day, cls.area) for day in (
            date(2024, 3, 3), date(2024, 3, 2), date(2023, 1, 10), date(2025, 6, 1))}
        for who, days in ((cls.a, [date(2024, 3, 3)]), (cls.b, [date(2024, 3, 2)]),
                          (cls.c, [date(2023, 1, 10), date(2025, 6, 1)]),
                          (cls.e, [date(2023, 1, 10)])):
            for day in days:
                DriverAttendance.objects.create(session=sessions[day], driver=who)
        cls.old = make_business(own, name="Oldline Kebabs", sector=Sector.TAKEAWAY,
                                licensing_authority=cls.council)
        Attendance.objects.create(session=session_on(own, date(2023, 5, 5), cls.area),
                                  business=cls.old, staff_count=2)
        make_business(own, name="Nevertrained Inn", sector=Sector.HOTEL,
                      licensing_authority=cls.other_council)

    def test_refresher_due_dates_and_overdue(self) -> None:
        rows = {str(r.record): r for r in refreshers(
            Business.objects.all(), LicensedDriver.objects.all(), TODAY)}
        self.assertEqual(set(rows), {"Driver A1 (badge A1)", "Driver B2 (badge B2)",
                                     "Driver C3 (badge C3)", "Testline Taxis",
                                     "Oldline Kebabs"})
        self.assertEqual(rows["Driver A1 (badge A1)"].due, date(2026, 3, 3))
        self.assertFalse(rows["Driver A1 (badge A1)"].overdue)
        self.assertTrue(rows["Driver B2 (badge B2)"].overdue)
        self.assertEqual(rows["Driver C3 (badge C3)"].due, date(2027, 6, 1))
        self.assertEqual(rows["Testline Taxis"].due, date(2028, 2, 10))
        self.assertEqual({name for name, r in rows.items() if r.overdue},
                         {"Driver B2 (badge B2)", "Oldline Kebabs"})

    def test_the_interval_is_configurable(self) -> None:
        with self.settings(PARTNERS_REFRESHER_MONTHS=36):
            self.assertEqual(due_on(date(2024, 2, 29)), date(2027, 2, 28))
            overdue = [r for r in refreshers(Business.objects.all(),
                                             LicensedDriver.objects.all(), TODAY) if r.overdue]
            self.assertEqual([str(r.record) for r in overdue], [])

    def test_the_overdue_page(self) -> None:
        self.login(self.alice)
        response = self.client.get("/partners/training/refreshers/")
        self.assertContains(response, "Driver B2")
        self.assertContains(response, "Oldline Kebabs")
        self.assertNotContains(response, "Driver A1")
        self.assertContains(response, "2 are overdue")
        every = self.client.get("/partners/training/refreshers/?show=all")
        self.assertContains(every, "Driver A1")
        self.assertAudited("view", None, actor=self.alice)

    def test_coverage_by_licensing_authority_and_sector(self) -> None:
        table = by_authority(Business.objects.all(), LicensedDriver.objects.all(), TODAY)
        rows = {str(label): (cells, total) for label, cells, total in table.rows}
        self.assertEqual(list(rows), ["L Council Licensing (test)",
                                      "M Council Licensing (test)", NOT_RECORDED])
        sectors = [key for key, _ in table.sectors]
        cells, total = rows["L Council Licensing (test)"]
        self.assertEqual((cells[sectors.index(Sector.TAKEAWAY)].trained,
                          cells[sectors.index(Sector.TAKEAWAY)].known), (1, 1))
        self.assertEqual((total.trained, total.known), (1, 1))
        cells, total = rows["M Council Licensing (test)"]
        self.assertEqual((cells[sectors.index(Sector.HOTEL)].trained, total.known), (0, 1))
        cells, total = rows[NOT_RECORDED]
        self.assertEqual((cells[sectors.index(Sector.TAXI)].trained, total.known), (1, 1))
        # Drivers: L licenses A-D (E is no longer licensed), A-C trained; M one, untrained.
        self.assertEqual([(c.trained, c.known) for c in table.drivers], [(3, 4), (0, 1), (0, 0)])
        assert table.drivers_total is not None
        self.assertEqual((table.drivers_total.trained, table.drivers_total.known), (3, 5))
        self.assertEqual((table.total.trained, table.total.known), (2, 3))
        # Trained since 3 Mar 2024: A (that day) and C; not B, not the 2023 takeaway.
        since = by_authority(Business.objects.all(), LicensedDriver.objects.all(), TODAY,
                             since=date(2024, 3, 3))
        self.assertEqual([(c.trained, c.known) for c in since.drivers], [(2, 4), (0, 1), (0, 0)])
        self.assertEqual(since.total.trained, 1)

    def test_the_coverage_page_shows_the_authorities(self) -> None:
        self.login(self.alice)
        response = self.client.get("/partners/coverage/")
        self.assertContains(response, "By licensing authority")
        self.assertContains(response, "L Council Licensing (test)")
        self.assertContains(response, "3 / 4")

    def test_a_driver_is_recorded_and_trained(self) -> None:
        self.login(self.lena)
        response = self.client.post("/partners/drivers/new/", {
            "name": "Dee Example", "badge_number": "hd 0099",
            "licensing_authority": self.council.pk, "licensed": "on"})
        self.assertEqual(response.status_code, 302)
        driver = LicensedDriver.objects.get(name="Dee Example")
        self.assertEqual(driver.badge_number, "HD0099")   # as on the badge, no spaces
        self.assertEqual(driver.owning_agency, self.council)
        self.assertAudited("create", driver, actor=self.lena)
        session = session_on(self.council, date(2026, 2, 1), self.area)
        response = self.client.post(f"/partners/training/{session.pk}/drivers/new/",
                                    {"driver": driver.pk})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(DriverAttendance.objects.filter(session=session, driver=driver).exists())
        page = self.client.get(f"/partners/drivers/{driver.pk}/")
        self.assertContains(page, "1 Feb 2028")   # 24 months after the session
        self.assertContains(self.client.get(f"/partners/training/{session.pk}/"), "HD0099")

    def test_another_agencys_driver_stays_closed(self) -> None:
        self.login(self.lena)
        self.assertEqual(self.client.get(f"/partners/drivers/{self.a.pk}/").status_code, 404)
        self.assertNotContains(self.client.get("/partners/drivers/"), "Driver A1")
        self.login(self.alice)
        self.assertContains(self.client.get("/partners/drivers/"), "Driver A1")

    def test_a_driver_not_visible_cannot_be_added_to_a_session(self) -> None:
        self.login(self.lena)
        session = session_on(self.council, date(2026, 2, 1), self.area)
        response = self.client.post(f"/partners/training/{session.pk}/drivers/new/",
                                    {"driver": self.a.pk})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(DriverAttendance.objects.filter(session=session).exists())
