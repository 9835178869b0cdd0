"""Administrators' user screens: own agency only, platform administrators everything."""

from __future__ import annotations

from axes.models import AccessAttempt
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.web.accounts.models import Role, User
from safeguard.web.audit.models import Action

from .base import PASSWORD, WebTestCase, make_user

NEW_PASSWORD = "a-temporary-passphrase-42"


class UserAdminTests(WebTestCase):
    """Alice administers the owning agency; bob's agency has its own users."""

    def setUp(self) -> None:
        self.set_role(self.alice, Role.ADMINISTRATOR)
        self.dora = make_user("dora", self.owner_agency, Role.PRACTITIONER)

    def test_it_lists_the_administrators_agency_only(self) -> None:
        self.login(self.alice)
        response = self.client.get("/accounts/admin/users/")
        self.assertEqual(response.status_code, 200)
        names = {u.username for u in response.context["users"]}
        self.assertEqual(names, {"alice", "dora"})

    def test_non_administrators_get_403(self) -> None:
        for user in (self.dora, self.bob, self.charlie):
            self.login(user)
            for url in ("/accounts/admin/users/", "/accounts/admin/users/new/",
                        f"/accounts/admin/users/{self.dora.pk}/"):
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
        self.assertAudited(Action.ACCESS_DENIED, actor=self.charlie, status=403)

    def test_another_agencys_user_is_404(self) -> None:
        self.login(self.alice)
        url = f"/accounts/admin/users/{self.bob.pk}/"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {"role": "administrator"}).status_code, 404)
        self.assertEqual(
            self.client.post(f"/accounts/admin/users/{self.bob.pk}/reset-authenticator/")
            .status_code, 404)
        self.assertAudited(Action.ACCESS_DENIED, self.bob, actor=self.alice, status=404)
        self.assertTrue(TOTPDevice.objects.filter(user=self.bob).exists())

    def test_it_creates_a_user_in_the_administrators_agency(self) -> None:
        self.login(self.alice)
        response = self.client.post("/accounts/admin/users/new/", {
            "username": "erin", "first_name": "Erin", "last_name": "Hale",
            "email": "erin@example.org", "role": Role.ANALYST, "is_active": "on",
            "password": NEW_PASSWORD,
            # Ignored for an agency administrator:
            "agency": self.outsider_agency.pk, "manages_all_agencies": "on",
        })
        self.assertEqual(response.status_code, 200, response.content.decode()[:2000])
        self.assertContains(response, "/accounts/enrol/")  # the link, shown once
        erin = User.objects.get(username="erin")
        self.assertEqual(erin.agency, self.owner_agency)
        self.assertFalse(erin.manages_all_agencies)
        self.assertTrue(erin.must_change_password)
        self.assertTrue(erin.check_password(NEW_PASSWORD))
        self.assertAudited(Action.CREATE, erin, actor=self.alice, role=Role.ANALYST)

    def test_it_enforces_password_rules_on_creation(self) -> None:
        self.login(self.alice)
        response = self.client.post("/accounts/admin/users/new/", {
            "username": "erin", "role": Role.ANALYST, "is_active": "on", "password": "short",
        })
        self.assertEqual(response.status_code, 200)
        self.assertFalse(User.objects.filter(username="erin").exists())

    def test_it_changes_a_role(self) -> None:
        self.login(self.alice)
        response = self.client.post(f"/accounts/admin/users/{self.dora.pk}/", {
            "username": "dora", "first_name": "Dora", "last_name": "", "email": "",
            "role": Role.SUPERVISOR, "is_active": "on",
        })
        self.assertEqual(response.status_code, 302)
        self.dora.refresh_from_db()
        self.assertEqual(self.dora.role, Role.SUPERVISOR)
        event = self.assertAudited(Action.UPDATE, self.dora, actor=self.alice)
        self.assertIn("role", event.details["fields"])

    def test_an_administrator_cannot_demote_themselves(self) -> None:
        self.login(self.alice)
        self.client.post(f"/accounts/admin/users/{self.alice.pk}/", {
            "username": "alice", "first_name": "Alice", "role": Role.PRACTITIONER,
        })
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.role, Role.ADMINISTRATOR)
        self.assertTrue(self.alice.is_active)

    def test_it_resets_an_authenticator_and_shows_an_enrolment_link(self) -> None:
        self.login(self.alice)
        response = self.client.post(f"/accounts/admin/users/{self.dora.pk}/reset-authenticator/")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(TOTPDevice.objects.filter(user=self.dora).exists())
        changes = [e.details.get("change") for e in self.audit_events(Action.UPDATE, self.dora)]
        self.assertEqual(changes[-2:], ["authenticator reset", "enrolment link issued"])
        link = response.context["url"]
        self.assertIn("/accounts/enrol/", link)
        # Dora enrols a new one through the link (and nowhere else).
        self.client.post("/accounts/logout/")
        self.assertEqual(self.client.get(link.split("testserver", 1)[1]).status_code, 200)

    def test_a_new_user_gets_an_enrolment_link_shown_once(self) -> None:
        self.login(self.alice)
        response = self.client.post("/accounts/admin/users/new/", {
            "username": "fred", "first_name": "Fred", "last_name": "F", "email": "f@x.org",
            "role": Role.PRACTITIONER, "is_active": "on", "password": NEW_PASSWORD})
        self.assertEqual(response.status_code, 200, response.content.decode()[:500])
        self.assertContains(response, "/accounts/enrol/")
        token = response.context["url"].rstrip("/").rsplit("/", 1)[1]
        self.assertNotContains(self.client.get("/accounts/admin/users/"), token)

    def test_a_reset_ends_the_sessions_that_used_the_old_device(self) -> None:
        self.login(self.dora)
        self.assertEqual(self.client.get("/").status_code, 200)
        TOTPDevice.objects.filter(user=self.dora).delete()
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_reset_needs_post(self) -> None:
        self.login(self.alice)
        url = f"/accounts/admin/users/{self.dora.pk}/reset-authenticator/"
        self.assertEqual(self.client.get(url).status_code, 405)

    def test_it_unlocks_a_locked_user(self) -> None:
        for _ in range(5):
            self.client.post("/accounts/login/", {"username": "dora", "password": "wrong-one-12"})
        self.assertTrue(AccessAttempt.objects.filter(username="dora").exists())
        self.login(self.alice)
        self.client.post(f"/accounts/admin/users/{self.dora.pk}/unlock/")
        self.assertFalse(AccessAttempt.objects.filter(username="dora").exists())
        self.assertAudited(Action.UPDATE, self.dora, actor=self.alice, change="lockout cleared")
        self.client.post("/accounts/logout/")
        response = self.client.post("/accounts/login/", {"username": "dora", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)

    def test_it_sets_a_temporary_password(self) -> None:
        self.login(self.alice)
        response = self.client.post(f"/accounts/admin/users/{self.dora.pk}/password/",
                                    {"password": NEW_PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.dora.refresh_from_db()
        self.assertTrue(self.dora.check_password(NEW_PASSWORD))
        self.assertTrue(self.dora.must_change_password)
        self.assertAudited(Action.UPDATE, self.dora, change="temporary password set")

    def test_a_weak_temporary_password_is_refused(self) -> None:
        self.login(self.alice)
        response = self.client.post(f"/accounts/admin/users/{self.dora.pk}/password/",
                                    {"password": "123456789012"})
        self.assertEqual(response.status_code, 400)


class PlatformAdminTests(WebTestCase):
    def setUp(self) -> None:
        self.root = make_user("root", self.owner_agency, Role.ADMINISTRATOR,
                              manages_all_agencies=True)

    def test_it_sees_every_agencys_users(self) -> None:
        self.login(self.root)
        names = {u.username for u in self.client.get("/accounts/admin/users/").context["users"]}
        self.assertTrue({"alice", "bob", "charlie", "root"} <= names)
        response = self.client.get(f"/accounts/admin/users/?agency={self.partner_agency.pk}")
        self.assertEqual({u.username for u in response.context["users"]}, {"bob"})

    def test_it_moves_a_user_and_makes_an_administrator(self) -> None:
        self.login(self.root)
        self.client.post(f"/accounts/admin/users/{self.bob.pk}/", {
            "username": "bob", "first_name": "Bob", "agency": self.outsider_agency.pk,
            "role": Role.ADMINISTRATOR, "is_active": "on",
        })
        self.bob.refresh_from_db()
        self.assertEqual((self.bob.agency, self.bob.role),
                         (self.outsider_agency, Role.ADMINISTRATOR))
