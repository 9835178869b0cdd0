"""Training sessions, attendees, and coverage by district and sector (hand-counted)."""

from __future__ import annotations

from datetime import date

from safeguard.web.core.models import Area
from safeguard.web.partners.coverage import coverage
from safeguard.web.partners.models import Attendance, Business, Sector, TrainingSession

from .base import TODAY, PartnersTestCase, make_business


class SessionTests(PartnersTestCase):
    def url(self, suffix: str = "") -> str:
        return f"/partners/training/{self.session.pk}/{suffix}"

    def test_the_owner_opens_a_session(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url())
        self.assertContains(response, "Testline Taxis")
        self.assertContains(response, "Ann Example, Ben Example")
        self.assertAudited("view", self.session, actor=self.alice)

    def test_the_boundary(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.login(self.bob)
        self.share_with(self.session)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        # The business itself is not shared with bob's agency.
        self.assertNotContains(response, "Testline Taxis")
        self.assertContains(response, "a business not shared with your agency")
        self.assertEqual(self.client.get(self.url("attendees/new/")).status_code, 403)

    def test_it_records_a_session_and_refuses_the_future(self) -> None:
        self.login(self.alice)
        fields = {"held_on": "2026-03-04", "course": "Operation Makesafe awareness",
                  "trainer": "PC Other", "sector": "", "district": self.area.pk}
        self.assertEqual(self.client.post("/partners/training/new/", fields).status_code, 400)
        fields["held_on"] = "2026-03-02"
        response = self.client.post("/partners/training/new/", fields)
        created = TrainingSession.objects.get(trainer="PC Other")
        self.assertRedirects(response, f"/partners/training/{created.pk}/")
        self.assertAudited("create", created, actor=self.alice)

    def test_attendees_counted_from_names_when_no_number_is_given(self) -> None:
        other = make_business(self.owner_agency, name="Second Takeaway", sector="takeaway")
        self.login(self.alice)
        response = self.client.post(self.url("attendees/new/"), {
            "business": other.pk, "staff_names": "A One\nB Two\n\nC Three"})
        self.assertRedirects(response, self.url())
        attendance = Attendance.objects.get(business=other)
        self.assertEqual(attendance.staff_count, 3)
        self.assertAudited("update", self.session, actor=self.alice, staff=3)
        response = self.client.post(self.url("attendees/new/"), {"business": other.pk,
                                                                 "staff_count": "2"})
        self.assertEqual(response.status_code, 400)  # already there: not offered

    def test_a_business_not_visible_cannot_be_added(self) -> None:
        hidden = make_business(self.outsider_agency, name="Hidden Hotel")
        self.login(self.alice)
        response = self.client.post(self.url("attendees/new/"), {"business": hidden.pk,
                                                                 "staff_count": "2"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Attendance.objects.filter(business=hidden).exists())

    def test_an_attendee_is_removed(self) -> None:
        self.login(self.alice)
        attendance = Attendance.objects.get(session=self.session)
        response = self.client.post(self.url(f"attendees/{attendance.pk}/remove/"))
        self.assertRedirects(response, self.url())
        self.assertFalse(Attendance.objects.filter(pk=attendance.pk).exists())
        self.assertAudited("update", self.session, actor=self.alice,
                           attendance_removed=attendance.pk)


class CoverageTests(PartnersTestCase):
    """Hand-counted: in Stoke-on-Trent 3 taxi firms known (2 trained: one in February, one
    in 2024), 1 takeaway (not trained), 1 closed hotel (trained, not counted); in Tamworth
    1 hotel trained. charlie's agency has a trained taxi firm alice cannot see."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        tamworth = Area.objects.get(ons_code="E07000199")
        old = TrainingSession.objects.create(
            owning_agency=cls.owner_agency, held_on=date(2024, 5, 1), trainer="PC Old",
            district=cls.area)
        second = make_business(cls.owner_agency, name="Second Cars")
        Attendance.objects.create(session=old, business=second, staff_count=1)
        make_business(cls.owner_agency, name="Third Cars")
        make_business(cls.owner_agency, name="Chips", sector=Sector.TAKEAWAY)
        closed = make_business(cls.owner_agency, name="Closed Hotel", sector=Sector.HOTEL,
                               trading=False)
        Attendance.objects.create(session=cls.session, business=closed, staff_count=2)
        inn = make_business(cls.owner_agency, name="Tamworth Inn", sector=Sector.HOTEL,
                            district=tamworth)
        Attendance.objects.create(session=cls.session, business=inn, staff_count=2)
        theirs = make_business(cls.outsider_agency, name="Their Cars")
        Attendance.objects.create(session=old, business=theirs, staff_count=1)
        cls.tamworth = tamworth

    def test_it_counts_trained_of_known_by_district_and_sector(self) -> None:
        mine = Business.objects.filter(owning_agency=self.owner_agency)
        table = coverage(mine, TODAY)
        sectors = [key for key, _ in table.sectors]
        rows = {area.ons_code: (cells, total) for area, cells, total in table.rows}
        stoke, stoke_total = rows["E06000021"]
        taxi, takeaway, hotel = (sectors.index(Sector.TAXI), sectors.index(Sector.TAKEAWAY),
                                 sectors.index(Sector.HOTEL))
        self.assertEqual((stoke[taxi].trained, stoke[taxi].known), (2, 3))
        self.assertEqual((stoke[takeaway].trained, stoke[takeaway].known), (0, 1))
        self.assertEqual((stoke[hotel].trained, stoke[hotel].known), (0, 0))
        self.assertEqual((stoke_total.trained, stoke_total.known), (2, 4))
        tam_cells, tam_total = rows["E07000199"]
        self.assertEqual((tam_cells[hotel].trained, tam_total.known), (1, 1))
        self.assertEqual((table.total.trained, table.total.known), (3, 5))
        self.assertEqual(stoke[taxi].percent, 67)
        self.assertEqual(len(table.rows), Area.objects.filter(active=True).count())

    def test_trained_since_a_date(self) -> None:
        mine = Business.objects.filter(owning_agency=self.owner_agency)
        table = coverage(mine, TODAY, since=date(2025, 1, 1))
        self.assertEqual((table.total.trained, table.total.known), (2, 5))

    def test_sessions_after_the_day_do_not_count(self) -> None:
        mine = Business.objects.filter(owning_agency=self.owner_agency)
        self.assertEqual(coverage(mine, date(2025, 1, 1)).total.trained, 1)

    def test_the_page_shows_only_what_the_agency_holds(self) -> None:
        self.login(self.alice)
        response = self.client.get("/partners/coverage/")
        self.assertContains(response, "3 / 5")
        self.assertAudited("view", actor=self.alice, page="training coverage")
        self.login(self.charlie)
        response = self.client.get("/partners/coverage/")
        self.assertContains(response, "1 / 1")
