"""Children: creating, the record page, linked people and agencies, the list filters."""

from __future__ import annotations

from datetime import date

from django.test import override_settings

from safeguard.web.audit.models import Action
from safeguard.web.safeguarding.models import (
    AgencyInvolvement,
    Child,
    Ethnicity,
    LinkedPerson,
    Relationship,
)

from .base import NOW, RegisterTestCase, make_child

VALID = {
    "first_name": "Mia", "last_name": "Example", "date_of_birth": "2012-02-29",
    "gender": "female", "ethnicity": Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN,
    "legal_status": "care_order", "placement": "residential", "school": "Hill Academy",
}


@override_settings(SAFEGUARDING_NOW=NOW)
class ChildTests(RegisterTestCase):
    def test_it_creates_a_child_owned_by_the_users_agency(self) -> None:
        self.login(self.bob)
        response = self.client.post("/safeguarding/children/new/",
                                    {**VALID, "district": self.area.pk})
        child = Child.objects.get(last_name="Example")
        self.assertRedirects(response, f"/safeguarding/children/{child.pk}/",
                             fetch_redirect_response=False)
        self.assertEqual(child.owning_agency, self.partner_agency)
        self.assertEqual(child.created_by, self.bob)
        self.assertEqual(child.age, 14)  # born on 29 February 2012; 3 March 2026
        self.assertAudited(Action.CREATE, child, actor=self.bob)

    def test_errors_name_the_field(self) -> None:
        self.login(self.alice)
        response = self.client.post("/safeguarding/children/new/",
                                    {**VALID, "date_of_birth": "2030-01-01", "district": ""})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "There are 2 problems", status_code=400)
        self.assertContains(response, '<a href="#id_date_of_birth">Date of birth</a>: The date '
                            "of birth is in the future.", status_code=400)
        self.assertContains(response, '<a href="#id_district">District</a>: This field is '
                            "required.", status_code=400)
        self.assertFalse(Child.objects.filter(last_name="Example").exists())

    def test_the_ethnic_groups_are_the_onss_2021_groups(self) -> None:
        self.assertEqual(len(Ethnicity.values), 20)  # 19 groups and "not stated"
        self.login(self.alice)
        page = self.client.get("/safeguarding/children/new/").content.decode()
        for group in ("Asian, Asian British or Asian Welsh",
                      "Black, Black British, Black Welsh, Caribbean or African",
                      "Mixed or Multiple ethnic groups", "White", "Other ethnic group"):
            self.assertIn(f'<optgroup label="{group}">', page)
        self.assertIn("Gypsy or Irish Traveller", page)

    def test_the_record_page_shows_the_age_grade_and_flags(self) -> None:
        self.login(self.alice)
        self.justify(self.child)
        page = self.client.get(f"/safeguarding/children/{self.child.pk}/")
        self.assertContains(page, "14 years old")
        self.assertContains(page, '<span class="grade grade-medium" id="current-grade">Medium'
                            "</span>", html=False)
        self.assertContains(page, "Child in need")

    def test_it_changes_a_child_with_the_fields_audited(self) -> None:
        self.login(self.alice)
        url = f"/safeguarding/children/{self.child.pk}/edit/"
        data = {**VALID, "first_name": "Ava", "last_name": "Testchild",
                "date_of_birth": "2011-06-01", "district": self.area.pk,
                "placement": "foster", "legal_status": "care_order"}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.child.refresh_from_db()
        self.assertEqual(self.child.placement, "foster")
        event = self.assertAudited(Action.UPDATE, self.child, actor=self.alice)
        self.assertIn("placement", event.details["fields"])

    def test_linked_people_and_agencies(self) -> None:
        self.login(self.alice)
        url = f"/safeguarding/children/{self.child.pk}/people/new/"
        response = self.client.post(url, {"relationship": "adult_of_concern",
                                          "adult": self.adult.pk})
        self.assertEqual(response.status_code, 302)
        link = LinkedPerson.objects.get(child=self.child)
        self.assertEqual((link.relationship, link.adult, link.name),
                         (Relationship.ADULT_OF_CONCERN, self.adult, "Victor Testadult"))
        response = self.client.post(url, {"relationship": "parent"})
        self.assertContains(response, "Give the person&#x27;s name", status_code=400)
        url = f"/safeguarding/children/{self.child.pk}/agencies/new/"
        self.client.post(url, {"agency_name": "Hill Academy", "worker": "DSL"})
        self.assertEqual(str(AgencyInvolvement.objects.get(child=self.child)), "Hill Academy")
        self.assertEqual(self.audit_events(Action.UPDATE, self.child).count(), 2)

    def test_a_partner_sees_an_unshared_adult_link_without_the_name(self) -> None:
        LinkedPerson.objects.create(child=self.child, relationship="adult_of_concern",
                                    name=str(self.adult), adult=self.adult)
        self.share_with(self.child)
        self.login(self.bob)
        self.justify(self.child)
        page = self.client.get(f"/safeguarding/children/{self.child.pk}/")
        self.assertContains(page, "an adult of concern not shared with your agency")
        self.assertNotContains(page, "Testadult")

    def test_the_list_filters_by_district_and_grade(self) -> None:
        other = make_child(self.owner_agency, first_name="Zed", district=self.area.__class__
                           .objects.get(ons_code="E07000199"))
        self.login(self.alice)
        names = self.client.get("/safeguarding/children/?grade=medium").content.decode()
        self.assertIn("Ava Testchild", names)
        self.assertNotIn("Zed", names)
        names = self.client.get("/safeguarding/children/?grade=none").content.decode()
        self.assertIn("Zed Testchild", names)
        area = other.district
        names = self.client.get(f"/safeguarding/children/?district={area.pk}").content.decode()
        self.assertIn("Zed Testchild", names)
        self.assertNotIn("Ava Testchild", names)
        self.assertAudited(Action.VIEW, None, actor=self.alice, page="children",
                           district="E07000199")

    def test_the_list_holds_only_visible_children(self) -> None:
        make_child(self.outsider_agency, first_name="Hidden")
        self.login(self.bob)
        self.assertNotContains(self.client.get("/safeguarding/children/"), "Ava Testchild")
        self.share_with(self.child)
        page = self.client.get("/safeguarding/children/")
        self.assertContains(page, "Ava Testchild")
        self.assertNotContains(page, "Hidden")

    def test_age_follows_the_registers_clock(self) -> None:
        child = make_child(self.owner_agency, date_of_birth=date(2010, 3, 4))
        self.assertEqual(child.age, 15)
        with override_settings(SAFEGUARDING_NOW="2026-03-04T09:00:00+00:00"):
            self.assertEqual(child.age, 16)
