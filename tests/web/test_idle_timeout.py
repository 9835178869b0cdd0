"""Sessions close after SAFEGUARD_IDLE_MINUTES without a request (default 15)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.test import override_settings

from safeguard.web.audit.models import Action
from safeguard.web.middleware import LAST_ACTIVITY_KEY, SIGNED_IN_AT_KEY

from .base import WebTestCase


class IdleTimeoutTests(WebTestCase):
    def idle_for(self, seconds: float) -> None:
        session = self.client.session
        session[LAST_ACTIVITY_KEY] -= seconds
        session.save()

    def test_the_default_is_fifteen_minutes(self) -> None:
        self.assertEqual(settings.IDLE_TIMEOUT, timedelta(minutes=15))

    def test_it_keeps_an_active_session(self) -> None:
        self.login(self.alice)
        self.idle_for(14 * 60)
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_it_signs_out_an_idle_session(self) -> None:
        self.login(self.alice)
        self.idle_for(15 * 60 + 1)
        response = self.client.get("/audit/")
        self.assertRedirects(response, "/accounts/login/?next=%2Faudit%2F",
                             fetch_redirect_response=False)
        self.assertAudited(Action.LOGOUT, actor=self.alice, reason="idle timeout")
        # Signed out for good, not just redirected once.
        self.assertEqual(self.client.get("/").status_code, 302)
        page = self.client.get("/accounts/login/")
        self.assertContains(page, "signed out after 15 minutes idle")

    def test_each_request_restarts_the_clock(self) -> None:
        self.login(self.alice)
        self.idle_for(10 * 60)
        self.client.get("/")
        self.idle_for(10 * 60)
        self.assertEqual(self.client.get("/").status_code, 200)

    @override_settings(IDLE_TIMEOUT=timedelta(minutes=2))
    def test_it_is_configurable(self) -> None:
        self.login(self.alice)
        self.idle_for(121)
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_pages_reload_themselves_after_the_timeout(self) -> None:
        self.login(self.alice)
        response = self.client.get("/")
        self.assertContains(response, 'data-idle-seconds="900"')
        self.assertContains(response, "/static/safeguard/js/idle.js")


class LongestSessionTests(WebTestCase):
    """A session ends SAFEGUARD_SESSION_MAX_HOURS after signing in, however active."""

    def test_activity_does_not_extend_the_longest_session(self) -> None:
        self.login_through_forms(self.alice)
        self.assertEqual(self.client.get("/").status_code, 200)
        session = self.client.session
        session[SIGNED_IN_AT_KEY] -= settings.SESSION_COOKIE_AGE - 60
        session.save()
        # Busy right up to the end: still signed in a minute before the cap...
        self.assertEqual(self.client.get("/").status_code, 200)
        session = self.client.session
        session[SIGNED_IN_AT_KEY] -= 61
        session.save()
        # ...and out after it, though the last request was a moment ago.
        response = self.client.get("/")
        self.assertEqual(response.status_code, 302)
        self.assertAudited(Action.LOGOUT, actor=self.alice, reason="longest session reached")
        self.assertContains(self.client.get("/accounts/login/"),
                            "a session lasts 10 hours at most")
