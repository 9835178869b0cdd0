"""Agency screens: platform administrators only."""

from __future__ import annotations

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.audit.models import Action

from .base import WebTestCase, make_user


class AgencyAdminTests(WebTestCase):
    def setUp(self) -> None:
        self.root = make_user("root", self.owner_agency, Role.ADMINISTRATOR,
                              manages_all_agencies=True)

    def test_it_lists_agencies(self) -> None:
        self.login(self.root)
        response = self.client.get("/accounts/admin/agencies/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Stoke-on-Trent City Council (test)")

    def test_it_creates_an_agency(self) -> None:
        self.login(self.root)
        response = self.client.post("/accounts/admin/agencies/new/", {
            "name": "Staffordshire Youth Offending Service (test)",
            "kind": AgencyKind.YOUTH_JUSTICE, "active": "on"})
        self.assertEqual(response.status_code, 302)
        agency = Agency.objects.get(name__startswith="Staffordshire Youth")
        self.assertAudited(Action.CREATE, agency, actor=self.root)

    def test_it_deactivates_an_agency(self) -> None:
        self.login(self.root)
        self.client.post(f"/accounts/admin/agencies/{self.outsider_agency.pk}/", {
            "name": self.outsider_agency.name, "kind": AgencyKind.HEALTH})
        self.outsider_agency.refresh_from_db()
        self.assertFalse(self.outsider_agency.active)
        self.assertAudited(Action.UPDATE, self.outsider_agency, actor=self.root,
                           fields=["active"])

    def test_an_agency_administrator_gets_403(self) -> None:
        self.set_role(self.alice, Role.ADMINISTRATOR)
        self.login(self.alice)
        for url in ("/accounts/admin/agencies/", "/accounts/admin/agencies/new/",
                    f"/accounts/admin/agencies/{self.owner_agency.pk}/"):
            self.assertEqual(self.client.get(url).status_code, 403, url)
        self.assertAudited(Action.ACCESS_DENIED, actor=self.alice,
                           reason="only platform administrators manage agencies")

    def test_everyone_else_gets_403(self) -> None:
        for user in (self.alice, self.bob, self.charlie):
            self.login(user)
            self.assertEqual(self.client.get("/accounts/admin/agencies/").status_code, 403)
