"""Businesses: the three-person boundary, the audit, access codes shown once."""

from __future__ import annotations

import re

from safeguard.web.accounts.models import Role
from safeguard.web.partners import codes
from safeguard.web.partners.models import AccessCode, Business

from .base import CODE, PartnersTestCase


class BusinessTests(PartnersTestCase):
    def url(self, suffix: str = "") -> str:
        return f"/partners/businesses/{self.business.pk}/{suffix}"

    def test_the_owner_opens_it_and_the_view_is_audited(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url())
        self.assertContains(response, "Testline Taxis")
        self.assertContains(response, "Ann Example")
        self.assertContains(response, CODE[:5])
        self.assertNotContains(response, CODE)
        self.assertAudited("view", self.business, actor=self.alice)

    def test_a_partner_reads_it_only_while_shared(self) -> None:
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.share_with(self.business)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Issue a new access code")
        self.assertEqual(self.client.get(self.url("edit/")).status_code, 403)
        self.assertEqual(self.client.post(self.url("code/")).status_code, 403)

    def test_an_outsider_gets_404_and_it_is_recorded(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertAudited("access_denied", self.business, actor=self.charlie)
        listed = self.client.get("/partners/businesses/")
        self.assertNotContains(listed, "Testline Taxis")

    def test_roles_without_partners_work_get_403(self) -> None:
        self.set_role(self.alice, Role.FORENSIC_EXAMINER)
        self.login(self.alice)
        self.assertEqual(self.client.get("/partners/businesses/").status_code, 403)
        self.assertEqual(self.client.get(self.url()).status_code, 403)

    def test_it_lists_and_filters(self) -> None:
        self.login(self.alice)
        response = self.client.get("/partners/businesses/?trained=no")
        self.assertNotContains(response, "Testline Taxis")
        response = self.client.get(f"/partners/businesses/?trained=yes&sector=taxi"
                                   f"&district={self.area.pk}&q=testline")
        self.assertContains(response, "Testline Taxis")
        self.assertContains(response, "10 Feb 2026")
        self.assertAudited("view", actor=self.alice, page="businesses", trained="yes")

    def test_it_records_a_business(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get("/partners/businesses/new/").status_code, 200)
        response = self.client.post("/partners/businesses/new/", {
            "name": "Hillside Guest House", "sector": "hotel", "premises": "2 Hill Road",
            "postcode": " st16  2ab", "district": self.area.pk, "licence_number": "PL-9",
            "trading": "on"})
        created = Business.objects.get(name="Hillside Guest House")
        self.assertRedirects(response, f"/partners/businesses/{created.pk}/")
        self.assertEqual((created.owning_agency, created.created_by, created.postcode),
                         (self.owner_agency, self.alice, "ST16 2AB"))
        self.assertAudited("create", created, actor=self.alice)

    def test_a_form_with_problems_says_so(self) -> None:
        self.login(self.alice)
        response = self.client.post("/partners/businesses/new/", {"name": ""})
        self.assertContains(response, "There are", status_code=400)

    def test_it_changes_a_business(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url("edit/"), {
            "name": "Testline Cars", "sector": "taxi", "premises": "1 Test Street",
            "district": self.area.pk, "trading": "on"})
        self.assertRedirects(response, self.url())
        self.business.refresh_from_db()
        self.assertEqual(self.business.name, "Testline Cars")
        self.assertAudited("update", self.business, actor=self.alice)

    def test_a_new_code_is_shown_once_and_only_its_digest_is_kept(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url("code/"))
        self.assertEqual(response.status_code, 200)
        shown = re.search(r'id="access-code">([0-9A-Z-]+)<', response.content.decode())
        assert shown is not None
        code = codes.normalise(shown.group(1))
        assert code is not None
        live = AccessCode.objects.get(business=self.business, revoked_at__isnull=True)
        self.assertEqual(live.code_hash, codes.digest(code))
        self.assertNotEqual(code, CODE)
        self.assertTrue(AccessCode.objects.filter(code_hash=codes.digest(CODE),
                                                  revoked_at__isnull=False).exists())
        self.assertContains(response, f"/partners/report/?code={codes.grouped(code)}")
        self.assertContains(response, "<svg")  # the QR code
        for row in AccessCode.objects.values():
            self.assertNotIn(code, str(row))
        self.assertAudited("create", live, actor=self.alice)
        # Not on the business's page afterwards.
        self.assertNotContains(self.client.get(self.url()), code)

    def test_a_code_is_revoked(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url(f"code/{self.access.pk}/revoke/"))
        self.assertRedirects(response, self.url())
        self.access.refresh_from_db()
        self.assertIsNotNone(self.access.revoked_at)
        self.assertEqual(self.access.revoked_by, self.alice)
        self.assertAudited("update", self.access, actor=self.alice, revoked=True)
        self.assertEqual(self.client.get(self.url(f"code/{self.access.pk}/revoke/")).status_code,
                         405)
