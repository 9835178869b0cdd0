"""A district council's licensing team as an agency of its own kind: it keeps the taxi
firms it licenses like any partner, and is not police (domain review 2026-12, §4 item 14:
in two-tier Staffordshire the district and borough councils license taxis)."""

from __future__ import annotations

from django.test import Client

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.core.policy import may_open
from safeguard.web.partners import codes
from safeguard.web.partners.models import AccessCode, ConcernReport

from ..base import make_user
from .base import PartnersTestCase, make_business

TAXI_CODE = "M3PX7RKD2QWAH8TNC4VEB9FGJ"


class LicensingAuthorityTests(PartnersTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council = Agency.objects.create(name="Stafford Borough Council Licensing (test)",
                                            kind=AgencyKind.LICENSING_AUTHORITY)
        cls.officer = make_user("lena", cls.council, Role.PRACTITIONER)
        cls.taxi = make_business(cls.council, name="Boroughline Cars",
                                 licence_number="PHO-TEST-9")
        AccessCode.objects.create(business=cls.taxi, code_hash=codes.digest(TAXI_CODE),
                                  hint=TAXI_CODE[:5])

    def test_it_is_a_kind_an_administrator_can_choose(self) -> None:
        self.assertIn("licensing_authority", AgencyKind.values)
        self.assertIn("district, borough or unitary council",
                      AgencyKind.LICENSING_AUTHORITY.label)

    def test_it_keeps_its_own_businesses(self) -> None:
        self.login(self.officer)
        response = self.client.get(f"/partners/businesses/{self.taxi.pk}/")
        self.assertContains(response, "Boroughline Cars")
        # Another agency's business stays closed until it is shared.
        self.assertEqual(self.client.get(f"/partners/businesses/{self.business.pk}/")
                         .status_code, 404)

    def test_it_is_not_police(self) -> None:
        self.assertFalse(may_open(self.officer, "intelligence"))
        self.assertFalse(may_open(self.officer, "investigations"))
        self.login(self.officer)
        self.assertEqual(self.client.get("/partners/concerns/").status_code, 403)

    def test_a_report_about_its_taxi_firm_goes_to_the_force(self) -> None:
        response = Client().post("/partners/report/", {
            "code": codes.grouped(TAXI_CODE),
            "what_happened": "A driver picked up a girl who looked about 13 late at night."})
        self.assertEqual(response.status_code, 303)
        report = ConcernReport.objects.get(business=self.taxi)
        self.assertEqual(report.owning_agency, self.owner_agency)   # the police, not the council
        self.login(self.officer)
        self.assertEqual(self.client.get(f"/partners/concerns/{report.pk}/").status_code, 404)
