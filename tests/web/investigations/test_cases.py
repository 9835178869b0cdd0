"""Operations, investigations and suspects: creating and changing them is recorded."""

from __future__ import annotations

from safeguard.web.audit.models import Action
from safeguard.web.investigations.models import Investigation, Operation, Suspect

from .helpers import CaseTestCase


class OperationTests(CaseTestCase):
    def test_it_creates_an_operation_of_the_users_agency(self) -> None:
        self.login(self.alice)
        response = self.client.post("/investigations/operations/new/", {
            "name": "Beacon", "reference": "OP-2", "status": "active",
            "lead_officer": self.alice.pk})
        operation = Operation.objects.get(reference="OP-2")
        self.assertRedirects(response, f"/investigations/operations/{operation.pk}/",
                             fetch_redirect_response=False)
        self.assertEqual(operation.owning_agency, self.owner_agency)
        self.assertAudited(Action.CREATE, operation, actor=self.alice)

    def test_a_reference_is_unique_within_the_agency(self) -> None:
        self.login(self.alice)
        response = self.client.post("/investigations/operations/new/", {
            "name": "Again", "reference": "OP-1", "status": "active"})
        self.assertContains(response, "Another record of your agency has this reference.")
        self.assertEqual(Operation.objects.filter(reference="OP-1").count(), 1)

    def test_it_records_which_fields_changed(self) -> None:
        self.login(self.alice)
        response = self.client.post(f"/investigations/operations/{self.operation.pk}/edit/", {
            "name": "Lantern", "reference": "OP-1", "status": "closed",
            "lead_officer": self.alice.pk})
        self.assertEqual(response.status_code, 302)
        self.operation.refresh_from_db()
        self.assertEqual(self.operation.status, "closed")
        self.assertAudited(Action.UPDATE, self.operation, actor=self.alice, fields=["status"])

    def test_officers_offered_are_the_agencys_own(self) -> None:
        self.login(self.alice)
        response = self.client.post("/investigations/operations/new/", {
            "name": "X", "reference": "OP-3", "status": "active",
            "lead_officer": self.charlie.pk})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Operation.objects.filter(reference="OP-3").exists())


class InvestigationTests(CaseTestCase):
    def test_it_creates_and_shows_an_investigation(self) -> None:
        self.login(self.alice)
        response = self.client.post("/investigations/new/", {
            "reference": "INV-2", "title": "Shared folder", "operation": self.operation.pk,
            "status": "open", "opened_on": "2026-11-20", "officer_in_charge": self.alice.pk})
        investigation = Investigation.objects.get(reference="INV-2")
        self.assertRedirects(response, f"/investigations/{investigation.pk}/",
                             fetch_redirect_response=False)
        self.assertAudited(Action.CREATE, investigation, actor=self.alice)
        page = self.client.get(f"/investigations/{investigation.pk}/")
        self.assertContains(page, "Shared folder")
        self.assertContains(page, "Add an exhibit")

    def test_it_cannot_close_before_it_opened(self) -> None:
        self.login(self.alice)
        response = self.client.post(f"/investigations/{self.investigation.pk}/edit/", {
            "reference": "INV-1", "title": "t", "status": "closed",
            "opened_on": "2026-11-02", "closed_on": "2026-11-01"})
        self.assertContains(response, "cannot close before it opened")
        self.assertNotAudited(Action.UPDATE, self.investigation)

    def test_a_partner_sees_the_page_without_edit_links(self) -> None:
        self.share_with(self.investigation)
        self.login(self.bob)
        page = self.client.get(f"/investigations/{self.investigation.pk}/")
        self.assertContains(page, "Images on a laptop")
        self.assertNotContains(page, "Add an exhibit")
        # The exhibit itself is not shared: the partner does not see it listed.
        self.assertNotContains(page, "EX-0001")

    def test_the_list_filters_by_status(self) -> None:
        self.login(self.alice)
        self.assertContains(self.client.get("/investigations/?status=open"), "INV-1")
        self.assertNotContains(self.client.get("/investigations/?status=closed"), "INV-1")
        self.assertAudited(Action.VIEW, actor=self.alice, list="investigations",
                           status="closed")


class SuspectTests(CaseTestCase):
    def test_it_shows_the_person_once_a_reason_is_given(self) -> None:
        self.login(self.alice)
        self.justify(self.suspect)
        page = self.client.get(f"/investigations/suspects/{self.suspect.pk}/")
        self.assertContains(page, "Darren Testperson")
        self.assertContains(page, "Daz; D.T.")
        self.assertContains(page, "EX-0001")

    def test_it_creates_a_suspect_linked_to_an_investigation(self) -> None:
        self.login(self.alice)
        form = self.client.get(
            f"/investigations/suspects/new/?investigation={self.investigation.pk}")
        self.assertContains(form, "checked")
        response = self.client.post("/investigations/suspects/new/", {
            "name": "Gary Example", "date_of_birth": "1975-02-03", "aliases": "",
            "investigations": [self.investigation.pk], "notes": ""})
        suspect = Suspect.objects.get(name="Gary Example")
        self.assertRedirects(response, f"/investigations/suspects/{suspect.pk}/",
                             fetch_redirect_response=False)
        self.assertEqual(list(suspect.investigations.all()), [self.investigation])
        self.assertAudited(Action.CREATE, suspect, actor=self.alice)

    def test_editing_asks_why_and_records_the_look_and_the_change(self) -> None:
        self.login(self.alice)
        url = f"/investigations/suspects/{self.suspect.pk}/edit/"
        self.assertContains(self.client.get(url), 'id="justification"')
        self.justify(self.suspect)
        self.assertContains(self.client.get(url), "Darren Testperson")
        self.assertAudited(Action.VIEW, self.suspect, actor=self.alice, page="edit form")
        response = self.client.post(url, {"name": "Darren Testperson", "aliases": "Daz",
                                          "investigations": [self.investigation.pk]})
        self.assertEqual(response.status_code, 302)
        event = self.assertAudited(Action.UPDATE, self.suspect, actor=self.alice)
        self.assertIn("aliases", event.details["fields"])


class HomeCardTests(CaseTestCase):
    def test_police_users_find_investigations_from_home(self) -> None:
        self.login(self.alice)
        page = self.client.get("/")
        self.assertContains(page, 'href="/investigations/"')
        self.assertContains(page, "Exhibits and triage")

    def test_partner_agencies_see_no_investigations_card(self) -> None:
        self.login(self.bob)
        self.assertNotContains(self.client.get("/"), "Exhibits and triage")
