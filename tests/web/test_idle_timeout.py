"""Sessions close after SAFEGUARD_IDLE_MINUTES without a request (default 15)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.test import override_settings

from safeguard.web.audit.models import Action
from safeguard.web.middleware import LAST_ACTIVITY_KEY

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
