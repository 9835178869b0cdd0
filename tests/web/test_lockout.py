"""django-axes locks a username after SAFEGUARD_LOCKOUT_FAILURES failures (default 5)."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings

from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action

from .base import PASSWORD, WebTestCase, make_user


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
        good = int(self.code_for(self.alice))
        statuses = []
        for n in range(101, 106):
            self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
            statuses.append(self.client.post(
                "/accounts/login/code/", {"code": f"{(good + n) % 1_000_000:06d}"}).status_code)
        self.assertEqual(statuses, [302, 302, 302, 302, 429])
        self.assertAudited(Action.LOCKOUT, actor=self.alice, reason="wrong code")
        # The pending sign-in is gone; the right code no longer helps.
        response = self.client.post("/accounts/login/code/", {"code": self.code_for(self.alice)})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get("/").status_code, 302)

    @override_settings(SIGNIN_FAILURES_PER_ADDRESS=12)
    def test_one_address_cannot_lock_every_account(self) -> None:
        victims = [make_user(f"victim{n}", self.owner_agency, Role.PRACTITIONER)
                   for n in range(4)]
        for victim in victims:
            for _ in range(5):
                self.client.post("/accounts/login/", {"username": victim.username,
                                                      "password": "not-the-password-1"})
        # 12 failures from this address: the rest of the window is refused, whatever the
        # username, and the accounts beyond were never tried.
        response = self.client.post("/accounts/login/", {"username": "bob",
                                                         "password": "not-the-password-1"})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many sign-ins from this network address",
                            status_code=429)
        locked = sorted(AccessAttempt.objects.filter(failures_since_start__gte=5)
                        .values_list("username", flat=True))
        self.assertEqual(locked, ["victim0", "victim1"])  # 5 + 5, then 2 of victim2's

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
