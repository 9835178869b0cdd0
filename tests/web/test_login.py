"""Sign-in: password, then a TOTP code; nothing is reachable in between."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import override_settings

from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action

from .base import PASSWORD, WebTestCase, make_user


class LoginTests(WebTestCase):
    def test_it_signs_in_with_password_and_code(self) -> None:
        response = self.login_through_forms(self.alice)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        home = self.client.get("/")
        self.assertEqual(home.status_code, 200)
        self.assertContains(home, "Welcome, Alice")
        event = self.assertAudited(Action.LOGIN, actor=self.alice)
        self.assertEqual(event.agency, self.owner_agency)
        self.assertEqual(event.ip_address, "127.0.0.1")

    def test_it_shows_the_login_page(self) -> None:
        response = self.client.get("/accounts/login/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="username"')
        self.assertContains(response, 'name="password"')

    def test_it_sends_anonymous_visitors_to_login(self) -> None:
        response = self.client.get("/audit/")
        self.assertRedirects(response, "/accounts/login/?next=%2Faudit%2F",
                             fetch_redirect_response=False)

    def test_it_returns_to_next_after_signing_in(self) -> None:
        self.set_role(self.alice, Role.SUPERVISOR)
        self.client.post("/accounts/login/?next=/audit/",
                         {"username": "alice", "password": PASSWORD})
        response = self.client.post("/accounts/login/code/", {"code": self.code_for(self.alice)})
        self.assertRedirects(response, "/audit/", fetch_redirect_response=False)

    def test_it_ignores_an_offsite_next(self) -> None:
        self.client.post("/accounts/login/?next=https://evil.example/",
                         {"username": "alice", "password": PASSWORD})
        response = self.client.post("/accounts/login/code/", {"code": self.code_for(self.alice)})
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def attempt(self, username: str, password: str, code: str = "123456"
                ) -> tuple[HttpResponse, HttpResponse]:
        """Both steps of a sign-in: the password page's answer, then the code page's."""
        first = self.client.post("/accounts/login/", {"username": username,
                                                      "password": password})
        return first, self.client.post("/accounts/login/code/", {"code": code}, follow=True)

    def test_the_password_page_does_not_tell_a_right_password_from_a_wrong_one(self) -> None:
        answers = []
        for password in (PASSWORD, "wrong-password-123"):
            self.client.logout()
            response = self.client.post("/accounts/login/", {"username": "alice",
                                                             "password": password})
            answers.append((response.status_code, response["Location"]))
            page = self.client.get("/accounts/login/code/")
            self.assertContains(page, "Signing in as <strong>alice</strong>")
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(answers[0], (302, "/accounts/login/code/"))

    def test_it_rejects_a_wrong_password_at_the_end(self) -> None:
        _, end = self.attempt("alice", "wrong-password-123", self.code_for(self.alice))
        self.assertRedirects(end, "/accounts/login/")
        self.assertContains(end, "The username, password or code was not right.")
        event = self.assertAudited(Action.LOGIN_FAILED, reason="wrong password")
        self.assertIsNone(event.actor)
        self.assertEqual(event.actor_username, "alice")
        self.assertNotIn("safeguard_pending_user", self.client.session)
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_it_rejects_an_unknown_user_the_same_way(self) -> None:
        _, end = self.attempt("nobody", "wrong-password-123")
        self.assertContains(end, "The username, password or code was not right.")
        self.assertAudited(Action.LOGIN_FAILED, reason="wrong password")

    def test_it_rejects_a_wrong_code_the_same_way(self) -> None:
        good = self.code_for(self.alice)
        _, end = self.attempt("alice", PASSWORD, f"{(int(good) + 1) % 1_000_000:06d}")
        self.assertRedirects(end, "/accounts/login/")
        self.assertContains(end, "The username, password or code was not right.")
        self.assertAudited(Action.LOGIN_FAILED, actor=self.alice, reason="wrong code")
        # Still not signed in, and the sign-in starts again from the password.
        self.assertEqual(self.client.get("/").status_code, 302)
        self.assertRedirects(self.client.get("/accounts/login/code/"), "/accounts/login/",
                             fetch_redirect_response=False)

    def test_it_rejects_a_malformed_code(self) -> None:
        self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        response = self.client.post("/accounts/login/code/", {"code": "12ab"})
        self.assertContains(response, "Enter the 6 digits")

    def test_it_refuses_a_code_reused_in_the_same_step(self) -> None:
        self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        code = self.code_for(self.alice)
        self.client.post("/accounts/login/code/", {"code": code})
        self.client.post("/accounts/logout/")
        _, end = self.attempt("alice", PASSWORD, code)
        self.assertContains(end, "The username, password or code was not right.")

    def test_it_gives_nothing_between_password_and_code(self) -> None:
        self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        for url in ("/", "/audit/", "/accounts/admin/users/", "/accounts/password/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith("/accounts/login/"), url)

    def test_it_sends_the_code_page_back_to_login_without_a_password(self) -> None:
        response = self.client.get("/accounts/login/code/")
        self.assertRedirects(response, "/accounts/login/", fetch_redirect_response=False)

    def test_it_refuses_a_session_signed_in_without_the_code(self) -> None:
        # A session with the password only (e.g. an authenticator reset since) is sent
        # back to the start.
        self.client.force_login(self.alice,
                                backend="django.contrib.auth.backends.ModelBackend")
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_it_refuses_a_user_without_an_active_agency(self) -> None:
        self.owner_agency.active = False
        self.owner_agency.save()
        _, end = self.attempt("alice", PASSWORD, self.code_for(self.alice))
        self.assertContains(end, "not attached to an active agency")
        self.assertAudited(Action.LOGIN_FAILED, actor=self.alice, reason="no active agency")

    def test_an_account_without_an_authenticator_is_refused_without_saying_so(self) -> None:
        make_user("eve", self.owner_agency, Role.PRACTITIONER, enrolled=False)
        first, end = self.attempt("eve", PASSWORD)
        self.assertRedirects(first, "/accounts/login/code/", fetch_redirect_response=False)
        self.assertContains(end, "The username, password or code was not right.")
        self.assertAudited(Action.LOGIN_FAILED, reason="no authenticator enrolled")

    def test_it_signs_out_a_user_whose_agency_is_deactivated(self) -> None:
        self.login(self.alice)
        self.owner_agency.active = False
        self.owner_agency.save()
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_it_refuses_an_inactive_user(self) -> None:
        self.alice.is_active = False
        self.alice.save()
        _, end = self.attempt("alice", PASSWORD, self.code_for(self.alice))
        self.assertContains(end, "The username, password or code was not right.")

    @override_settings(SESSION_COOKIE_AGE=3600)
    def test_it_changes_the_session_key_at_sign_in(self) -> None:
        self.client.get("/accounts/login/")
        self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        before = self.client.session.session_key
        self.client.post("/accounts/login/code/", {"code": self.code_for(self.alice)})
        self.assertNotEqual(self.client.session.session_key, before)


class LogoutTests(WebTestCase):
    def test_it_signs_out(self) -> None:
        self.login(self.alice)
        response = self.client.post("/accounts/logout/")
        self.assertRedirects(response, "/accounts/login/", fetch_redirect_response=False)
        self.assertAudited(Action.LOGOUT, actor=self.alice, reason="signed out")
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_it_refuses_get(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get("/accounts/logout/").status_code, 405)


class PasswordChangeTests(WebTestCase):
    def test_it_forces_a_change_after_an_administrator_set_the_password(self) -> None:
        user = make_user("dora", self.owner_agency, Role.PRACTITIONER, must_change_password=True)
        self.login(user)
        self.assertRedirects(self.client.get("/"), "/accounts/password/",
                             fetch_redirect_response=False)
        response = self.client.post("/accounts/password/", {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase-77",
            "new_password2": "a-much-longer-passphrase-77",
        })
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        user.refresh_from_db()
        self.assertFalse(user.must_change_password)
        self.assertEqual(self.client.get("/").status_code, 200)
        self.assertAudited(Action.UPDATE, user, actor=user, change="password changed")

    def test_it_enforces_the_password_rules(self) -> None:
        self.login(self.alice)
        response = self.client.post("/accounts/password/", {
            "old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1",
        })
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "at least 12 characters")
