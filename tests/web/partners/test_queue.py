"""The police triage queue: police only, the reason asked first, linking, closing."""

from __future__ import annotations

from datetime import date

from safeguard.web.accounts.models import Role
from safeguard.web.partners.models import ConcernStatus, Outcome
from safeguard.web.safeguarding.models import AdultOfConcern, Child, LegalStatus, Placement

from ..base import make_user
from .base import PartnersTestCase

REASON = "Triage of a report from a trained taxi firm"


class QueueTests(PartnersTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.child = Child.objects.create(
            owning_agency=cls.owner_agency, first_name="Ava", last_name="Queuechild",
            date_of_birth=date(2011, 6, 1), gender="female", district=cls.area,
            legal_status=LegalStatus.CHILD_IN_NEED, placement=Placement.HOME,
            reference="REF-77")
        cls.hidden_child = Child.objects.create(
            owning_agency=cls.partner_agency, first_name="Hidden", last_name="Queuechild",
            date_of_birth=date(2011, 6, 1), gender="female", district=cls.area)
        cls.adult = AdultOfConcern.objects.create(owning_agency=cls.owner_agency,
                                                  first_name="Victor", last_name="Queueadult")

    def setUp(self) -> None:
        super().setUp()
        self.report = self.make_report()
        self.url = f"/partners/concerns/{self.report.pk}/"

    def test_the_queue_is_for_police_only(self) -> None:
        self.login(self.alice)
        response = self.client.get("/partners/concerns/")
        self.assertContains(response, "Testline Taxis")
        self.assertNotContains(response, "REPORT-MARKER")  # no narrative in the list
        self.assertAudited("view", actor=self.alice, page="concern queue")
        for user in (self.bob, self.charlie):
            self.login(user)
            self.assertEqual(self.client.get("/partners/concerns/").status_code, 403)
            self.assertEqual(self.client.get(self.url).status_code, 404)
            self.assertAudited("access_denied", actor=user)

    def test_even_a_share_does_not_open_it_to_a_partner(self) -> None:
        self.share_with(self.report)
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_another_police_force_does_not_see_it(self) -> None:
        from safeguard.web.accounts.models import Agency, AgencyKind

        other = Agency.objects.create(name="Other Police (test)", kind=AgencyKind.POLICE)
        officer = make_user("dora", other, Role.INVESTIGATOR)
        self.login(officer)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertNotContains(self.client.get("/partners/concerns/"), "Testline Taxis")

    def test_the_reason_is_asked_before_it_opens(self) -> None:
        self.login(self.alice)
        prompt = self.client.get(self.url)
        self.assertContains(prompt, "Why do you need to open this record?")
        self.assertNotContains(prompt, "REPORT-MARKER")
        self.justify_through_form(self.url, REASON)
        response = self.client.get(self.url)
        self.assertContains(response, "REPORT-MARKER")
        event = self.assertAudited("view", self.report, actor=self.alice)
        self.assertEqual(event.justification, REASON)

    def test_stored_markup_is_shown_as_text(self) -> None:
        self.report.what_happened = "<script>alert('x')</script> seen"
        self.report.save(update_fields=["what_happened"])
        self.login(self.alice)
        self.justify_through_form(self.url, REASON)
        response = self.client.get(self.url)
        self.assertNotContains(response, "<script>alert")
        self.assertContains(response, "&lt;script&gt;")

    def test_an_officer_links_a_child_an_adult_and_a_place(self) -> None:
        self.login(self.alice)
        self.justify_through_form(self.url, REASON)
        found = self.client.get(self.url + "?child-q=queuechild")
        self.assertContains(found, "Ava Queuechild")
        self.assertNotContains(found, "Hidden Queuechild")
        response = self.client.post(self.url + "link/child/", {"target": self.child.pk})
        self.assertRedirects(response, self.url)
        self.report.refresh_from_db()
        self.assertEqual(list(self.report.child_links.values_list("child", flat=True)),
                         [self.child.pk])
        self.assertEqual((self.report.status, self.report.assigned_to),
                         (ConcernStatus.IN_PROGRESS, self.alice))
        self.assertAudited("update", self.report, actor=self.alice, linked="child",
                           target=self.child.pk)
        self.client.post(self.url + "link/child/", {"target": self.child.pk})  # twice: once
        self.assertEqual(self.report.child_links.count(), 1)
        self.client.post(self.url + "link/adult/", {"target": self.adult.pk})
        self.assertEqual(self.report.adult_links.get().adult, self.adult)
        response = self.client.post(self.url + "places/new/", {
            "description": "Taxi rank, Hanley bus station", "district": self.area.pk})
        self.assertRedirects(response, self.url)
        place = self.report.places.get()
        self.assertEqual(place.district, self.area)
        page = self.client.get(self.url)
        self.assertContains(page, "Ava Queuechild")
        self.assertContains(page, "Victor Queueadult")
        self.assertContains(page, "Taxi rank, Hanley bus station")
        response = self.client.post(self.url + f"unlink/place/{place.pk}/")
        self.assertFalse(self.report.places.exists())
        self.assertAudited("update", self.report, unlinked="place", link=place.pk)

    def test_a_child_the_officer_cannot_open_cannot_be_linked(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url + "link/child/", {"target": self.hidden_child.pk})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.report.child_links.exists())
        self.assertEqual(self.client.post(self.url + "link/child/",
                                          {"target": "x"}).status_code, 404)

    def test_it_closes_with_an_outcome_and_reopens(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url + "close/", {"outcome": ""})
        self.assertEqual(response.status_code, 400)
        response = self.client.post(self.url + "close/", {
            "outcome": Outcome.SOCIAL_CARE, "outcome_notes": "Referred to the MASH."})
        self.assertRedirects(response, self.url)
        self.report.refresh_from_db()
        self.assertEqual((self.report.status, self.report.outcome, self.report.closed_by),
                         (ConcernStatus.CLOSED, Outcome.SOCIAL_CARE, self.alice))
        self.assertAudited("update", self.report, outcome=Outcome.SOCIAL_CARE)
        # Closed: no more changes until it is reopened.
        self.assertEqual(self.client.post(self.url + "link/adult/",
                                          {"target": self.adult.pk}).status_code, 403)
        self.client.post(self.url + "reopen/")
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, ConcernStatus.IN_PROGRESS)

    def test_an_analyst_reads_but_does_not_change(self) -> None:
        analyst = make_user("ana", self.owner_agency, Role.ANALYST)
        self.login(analyst)
        self.assertEqual(self.client.get("/partners/concerns/").status_code, 200)
        self.assertEqual(self.client.post(self.url + "take/").status_code, 403)

    def test_the_queue_filters(self) -> None:
        self.make_report(status=ConcernStatus.CLOSED, outcome=Outcome.NFA,
                         what_happened="CLOSED-MARKER happened here")
        self.login(self.alice)
        open_page = self.client.get("/partners/concerns/")
        self.assertEqual(open_page.context["page"].paginator.count, 1)
        closed = self.client.get("/partners/concerns/?status=closed")
        self.assertEqual(closed.context["page"].paginator.count, 1)
        everything = self.client.get("/partners/concerns/?status=all&code=valid")
        self.assertEqual(everything.context["page"].paginator.count, 2)
