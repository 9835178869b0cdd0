"""A concern report linked to a licence holder (badge and authority) or a vehicle, and
referred to the licensing authority: the authority sees the referral and only it (the
report stays police-only), records what it did; every step is audited."""

from __future__ import annotations

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.partners.models import (
    ConcernLicence,
    LicensedDriver,
    LicensingOutcome,
    LicensingReferral,
    ReferralStatus,
)

from ..base import make_user
from .base import PartnersTestCase

NOTE = "NOTE-MARKER: please consider the licence of this driver."


class LicensingReferralTests(PartnersTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council = Agency.objects.create(name="L Council Licensing (test)",
                                            kind=AgencyKind.LICENSING_AUTHORITY)
        cls.other_council = Agency.objects.create(name="M Council Licensing (test)",
                                                  kind=AgencyKind.LICENSING_AUTHORITY)
        cls.lena = make_user("lena", cls.council, Role.PRACTITIONER)
        cls.mo = make_user("mo", cls.other_council, Role.PRACTITIONER)
        # The police's record of the driver, and the council's own.
        cls.driver = LicensedDriver.objects.create(
            owning_agency=cls.owner_agency, name="Driver Police-Record", badge_number="HD0007",
            licensing_authority=cls.council)
        cls.council_driver = LicensedDriver.objects.create(
            owning_agency=cls.council, name="Driver Council-Record", badge_number="HD0007",
            licensing_authority=cls.council)

    def setUp(self) -> None:
        self.report = self.make_report()
        self.url = f"/partners/concerns/{self.report.pk}/"
        self.login(self.alice)
        self.justify(self.report)

    def link(self, **fields: str) -> ConcernLicence:
        response = self.client.post(f"{self.url}licences/new/", {
            "licensing_authority": self.council.pk, **fields})
        self.assertEqual(response.status_code, 302)
        return ConcernLicence.objects.filter(report=self.report).latest("pk")

    def refer(self, link: ConcernLicence) -> LicensingReferral:
        response = self.client.post(f"{self.url}licences/{link.pk}/refer/", {"note": NOTE})
        self.assertEqual(response.status_code, 302)
        return LicensingReferral.objects.get(link=link)

    def test_a_badge_links_the_driver_the_police_hold(self) -> None:
        link = self.link(badge_number="hd 0007")
        self.assertEqual(link.badge_number, "HD0007")
        self.assertEqual(link.driver, self.driver)     # the police's record, not the council's
        self.assertAudited("update", self.report, actor=self.alice)
        self.assertContains(self.client.get(self.url), "Driver Police-Record")

    def test_a_vehicle_links_without_a_driver(self) -> None:
        link = self.link(registration="de10 moa", plate_number="P 42")
        self.assertEqual((link.registration, link.plate_number, link.driver),
                         ("DE10MOA", "P42", None))
        self.assertFalse(link.holder)

    def test_a_link_needs_a_badge_a_registration_or_a_plate(self) -> None:
        response = self.client.post(f"{self.url}licences/new/",
                                    {"licensing_authority": self.council.pk})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ConcernLicence.objects.exists())

    def test_the_council_cannot_link_or_see_the_report(self) -> None:
        self.login(self.lena)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        response = self.client.post(f"{self.url}licences/new/", {
            "licensing_authority": self.council.pk, "badge_number": "HD0007"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(ConcernLicence.objects.exists())

    def test_a_referral_goes_to_the_authority_and_only_there(self) -> None:
        referral = self.refer(self.link(badge_number="HD0007"))
        self.assertEqual((referral.owning_agency, referral.assigned_agency, referral.status),
                         (self.owner_agency, self.council, ReferralStatus.SENT))
        self.assertAudited("create", referral, actor=self.alice)
        detail = f"/partners/licensing-referrals/{referral.pk}/"
        # The authority: in its list, its page shows the badge, the note and its own
        # record of the driver, never the report's narrative.
        self.login(self.lena)
        self.assertContains(self.client.get("/partners/licensing-referrals/"), "HD0007")
        page = self.client.get(detail)
        self.assertContains(page, NOTE)
        self.assertContains(page, "Driver Council-Record")
        self.assertNotContains(page, "Driver Police-Record")
        self.assertNotContains(page, "REPORT-MARKER")
        self.assertAudited("view", referral, actor=self.lena)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        # Another council, another partner: nothing.
        for outsider in (self.mo, self.bob, self.charlie):
            self.login(outsider)
            self.assertEqual(self.client.get(detail).status_code, 404)
            self.assertNotContains(self.client.get("/partners/licensing-referrals/"), "HD0007")
            self.assertAudited("access_denied", referral, actor=outsider)

    def test_the_authority_acknowledges_and_records_what_it_did(self) -> None:
        referral = self.refer(self.link(badge_number="HD0007"))
        base = f"/partners/licensing-referrals/{referral.pk}/"
        # The police set the work; only the authority does it.
        self.assertEqual(self.client.post(f"{base}acknowledge/").status_code, 403)
        self.login(self.lena)
        self.assertEqual(self.client.post(f"{base}acknowledge/").status_code, 302)
        referral.refresh_from_db()
        self.assertEqual(referral.status, ReferralStatus.ACKNOWLEDGED)
        self.assertEqual(self.client.post(f"{base}respond/", {}).status_code, 400)
        response = self.client.post(f"{base}respond/", {
            "outcome": LicensingOutcome.SUSPENDED, "outcome_notes": "Suspended pending review."})
        self.assertEqual(response.status_code, 302)
        referral.refresh_from_db()
        self.assertEqual((referral.status, referral.outcome, referral.responded_by),
                         (ReferralStatus.RESPONDED, LicensingOutcome.SUSPENDED, self.lena))
        self.assertAudited("update", referral, actor=self.lena)
        # The police see the outcome on their copy.
        self.login(self.alice)
        self.assertContains(self.client.get(base), "Licence suspended")

    def test_a_referred_link_stays(self) -> None:
        link = self.link(badge_number="HD0007")
        self.refer(link)
        response = self.client.post(f"{self.url}licences/{link.pk}/remove/")
        self.assertEqual(response.status_code, 403)
        self.assertTrue(ConcernLicence.objects.filter(pk=link.pk).exists())

    def test_an_unreferred_link_is_removed(self) -> None:
        link = self.link(registration="DE10MOA")
        self.client.post(f"{self.url}licences/{link.pk}/remove/")
        self.assertFalse(ConcernLicence.objects.filter(pk=link.pk).exists())
