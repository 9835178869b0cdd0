"""An adult of concern linked to a police operation on this system: chosen from the
operations the force may see, shown as a link to police users only, and listed on the
operation's page."""

from __future__ import annotations

from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind
from safeguard.web.investigations.models import Operation

from .base import NOW, RegisterTestCase

NAME = "Operation Kestrel MARKER"


@override_settings(SAFEGUARDING_NOW=NOW)
class AdultOperationTests(RegisterTestCase):
    def setUp(self) -> None:
        self.operation = Operation.objects.create(owning_agency=self.owner_agency, name=NAME,
                                                  reference="OP-1")
        force = Agency.objects.create(name="West Midlands Police (test)",
                                      kind=AgencyKind.POLICE)
        self.elsewhere = Operation.objects.create(owning_agency=force, name="Not yours",
                                                  reference="OP-9")
        self.url = f"/safeguarding/adults/{self.adult.pk}/"

    def edit(self, operation: Operation) -> int:
        self.justify(self.adult)
        response = self.client.post(self.url + "edit/", {
            "first_name": self.adult.first_name, "last_name": self.adult.last_name,
            "gender": self.adult.gender, "police_operation": operation.pk,
            "police_operation_reference": ""})
        return response.status_code

    def test_a_police_user_links_the_operation_and_both_pages_show_it(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.edit(self.operation), 302)
        self.adult.refresh_from_db()
        self.assertEqual(self.adult.police_operation, self.operation)
        self.assertAudited("update", self.adult, actor=self.alice)
        page = self.client.get(self.url)
        self.assertContains(page, f'href="/investigations/operations/{self.operation.pk}/"')
        operation_page = self.client.get(f"/investigations/operations/{self.operation.pk}/")
        self.assertContains(operation_page, f'href="{self.url}"')

    def test_another_forces_operation_cannot_be_chosen(self) -> None:
        self.login(self.alice)
        self.justify(self.adult)
        form = self.client.get(self.url + "edit/")
        self.assertContains(form, NAME)
        self.assertNotContains(form, "Not yours")
        self.assertNotEqual(self.edit(self.elsewhere), 302)  # a forged choice is refused
        self.adult.refresh_from_db()
        self.assertIsNone(self.adult.police_operation)

    def test_a_partner_never_sees_the_link(self) -> None:
        self.adult.police_operation = self.operation
        self.adult.save()
        self.share_all()
        # Even with the operation itself shared, its page does not list the adults.
        self.share_with(self.operation, self.partner_agency)
        self.login(self.bob)
        self.justify(self.adult)
        page = self.client.get(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, NAME)
        self.assertNotContains(page, f"/investigations/operations/{self.operation.pk}/")
        operation_page = self.client.get(f"/investigations/operations/{self.operation.pk}/")
        self.assertEqual(operation_page.status_code, 200)
        self.assertNotContains(operation_page, self.url)

    def test_only_register_readers_see_the_names_and_the_view_names_them(self) -> None:
        from safeguard.web.accounts.models import Role
        from safeguard.web.audit.models import Action

        self.adult.police_operation = self.operation
        self.adult.save()
        url = f"/investigations/operations/{self.operation.pk}/"
        self.login(self.alice)
        self.assertContains(self.client.get(url), self.url)
        self.assertAudited(Action.VIEW, self.operation, actor=self.alice,
                           adults_listed=[self.adult.pk])
        examiner = self.make_user("eve", self.owner_agency, Role.FORENSIC_EXAMINER)
        self.login(examiner)
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, self.url)

    def test_a_link_to_an_operation_no_longer_shared_survives_an_edit(self) -> None:
        granted = self.share_with(self.elsewhere, self.owner_agency)
        self.login(self.alice)
        self.assertEqual(self.edit(self.elsewhere), 302)
        granted.revoked_at = granted.shared_at
        granted.save()
        self.justify(self.adult)
        self.assertNotContains(self.client.get(self.url + "edit/"), 'name="police_operation"')
        response = self.client.post(self.url + "edit/", {
            "first_name": self.adult.first_name, "last_name": "Renamed",
            "gender": self.adult.gender, "police_operation_reference": ""})
        self.assertEqual(response.status_code, 302)
        self.adult.refresh_from_db()
        self.assertEqual((self.adult.last_name, self.adult.police_operation),
                         ("Renamed", self.elsewhere))
