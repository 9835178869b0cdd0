"""django-axes locks a username after SAFEGUARD_LOCKOUT_FAILURES failures (default 5)."""

from __future__ import annotations

from django.conf import settings

from safeguard.web.audit.models import Action

from .base import PASSWORD, WebTestCase


class LockoutTests(WebTestCase):
    def fail_password(self, times: int) -> None:
        for _ in range(times):
            self.client.post("/accounts/login/",
                             {"username": "alice", "password": "not-the-password-1"})

    def test_the_default_limit_is_five(self) -> None:
        self.assertEqual(settings.AXES_FAILURE_LIMIT, 5)

    def test_it_locks_after_repeated_wrong_passwords(self) -> None:
        self.fail_password(4)
        response = self.client.post("/accounts/login/",
                                    {"username": "alice", "password": "not-the-password-1"})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Account locked", status_code=429)
        self.assertContains(response, "after 5 failed sign-in attempts", status_code=429)
        self.assertAudited(Action.LOCKOUT)

    def test_a_locked_account_refuses_the_right_password(self) -> None:
        self.fail_password(5)
        response = self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        self.assertEqual(response.status_code, 429)
        self.assertAudited(Action.LOGIN_FAILED, reason="account locked")
        self.assertNotIn("safeguard_pending_user", self.client.session)

    def test_wrong_codes_count_too(self) -> None:
        self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        good = int(self.code_for(self.alice))
        responses = [
            self.client.post("/accounts/login/code/",
                             {"code": f"{(good + n) % 1_000_000:06d}"})
            for n in range(101, 106)
        ]
        self.assertEqual([r.status_code for r in responses], [200, 200, 200, 200, 429])
        self.assertAudited(Action.LOCKOUT, actor=self.alice, reason="wrong code")
        # The pending sign-in is gone; the right code no longer helps.
        response = self.client.post("/accounts/login/code/", {"code": self.code_for(self.alice)})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_another_user_is_not_locked(self) -> None:
        self.fail_password(5)
        response = self.login_through_forms(self.bob)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_a_success_before_the_limit_clears_the_count(self) -> None:
        self.fail_password(4)
        self.login_through_forms(self.alice)
        self.client.post("/accounts/logout/")
        self.fail_password(4)
        response = self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
