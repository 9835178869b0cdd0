"""Police intelligence is shown to police agencies only, even when the record is shared:
need_to_know is the one place; here every page a partner can open is searched for it."""

from __future__ import annotations

from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.safeguarding.models import AdultOfConcern, Arrest, LinkedPerson
from safeguard.web.safeguarding.need_to_know import (
    POLICE_ONLY,
    Redacted,
    editable_fields,
    for_viewer,
)

from .base import INTELLIGENCE, NOW, PNC, RegisterTestCase
from .test_access import LIST, OPENS, PAGES

CUSTODY = "CUSTODY-MARKER-77"
OPERATION = "Operation MARKER"


@override_settings(SAFEGUARDING_NOW=NOW)
class PoliceOnlyTests(RegisterTestCase):
    def setUp(self) -> None:
        self.adult.police_operation_reference = OPERATION
        self.adult.save()
        Arrest.objects.create(adult=self.adult, arrested_on="2026-01-10",
                              offence="Child abduction", custody_reference=CUSTODY)
        LinkedPerson.objects.create(child=self.child, relationship="adult_of_concern",
                                    name=str(self.adult), adult=self.adult)
        self.share_all()

    def test_the_police_see_the_intelligence(self) -> None:
        self.login(self.alice)
        self.justify(self.adult)
        page = self.client.get(f"/safeguarding/adults/{self.adult.pk}/")
        for marker in (INTELLIGENCE, PNC, CUSTODY, OPERATION):
            self.assertContains(page, marker)

    def test_no_page_shows_a_partner_the_intelligence(self) -> None:
        self.login(self.bob)
        for page in PAGES:
            if page.kind not in (OPENS, LIST) and page.name not in ("adult_create",):
                continue
            with self.subTest(page=page.name):
                subject = page.subject(self) if page.subject else None
                for obj in (subject, self.child, self.adult, self.notice, self.panel):
                    if obj is not None:
                        self.justify(obj)
                response = self.client.get(page.url(self))
                self.assertEqual(response.status_code, 200)
                for marker in (INTELLIGENCE, PNC, CUSTODY, OPERATION):
                    self.assertNotContains(response, marker)
        page = self.client.get(f"/safeguarding/adults/{self.adult.pk}/")
        self.assertContains(page, "Police intelligence is shown to police agencies only.")
        self.assertContains(page, "Child abduction")  # the arrest itself is not intelligence

    def test_a_partner_owned_adult_form_has_no_intelligence_fields(self) -> None:
        council_adult = AdultOfConcern.objects.create(owning_agency=self.partner_agency,
                                                      first_name="Council", last_name="Adult")
        self.login(self.bob)
        self.justify(council_adult)
        form = self.client.get(f"/safeguarding/adults/{council_adult.pk}/edit/")
        self.assertNotContains(form, "intelligence_notes")
        self.assertNotContains(form, "pnc_reference")
        # Posting them anyway changes nothing.
        self.client.post(f"/safeguarding/adults/{council_adult.pk}/edit/", {
            "first_name": "Council", "last_name": "Adult", "gender": "not_known",
            "intelligence_notes": "typed in", "pnc_reference": "X1"})
        council_adult.refresh_from_db()
        self.assertEqual((council_adult.intelligence_notes, council_adult.pnc_reference),
                         ("", ""))
        self.login(self.alice)
        self.assertContains(self.client.get("/safeguarding/adults/new/"), "intelligence_notes")

    def test_another_police_force_sees_it_when_shared(self) -> None:
        force = Agency.objects.create(name="West Midlands Police (test)", kind=AgencyKind.POLICE)
        officer = self.make_user("dave", force, Role.INVESTIGATOR)
        self.share_with(self.adult, force)
        self.login(officer)
        self.justify(self.adult)
        self.assertContains(self.client.get(f"/safeguarding/adults/{self.adult.pk}/"), PNC)

    def test_the_rule_in_one_place(self) -> None:
        self.assertEqual(POLICE_ONLY[AdultOfConcern], {"intelligence_notes", "pnc_reference",
                                                       "police_operation",
                                                       "police_operation_reference"})
        self.adult.police_operation_id = 12345  # not saved: only read through the wrapper
        seen = for_viewer(self.bob, self.adult)
        self.assertIsInstance(seen, Redacted)
        self.assertEqual((seen.intelligence_notes, seen.pnc_reference, seen.police_operation_id),
                         ("", "", ""))
        self.assertEqual(seen.first_name, "Victor")
        self.assertIs(for_viewer(self.alice, self.adult), self.adult)
        with self.assertRaises(AttributeError):
            seen.pnc_reference = "x"
        self.assertNotIn("pnc_reference", editable_fields(self.bob, AdultOfConcern,
                                                          ["first_name", "pnc_reference"]))
