"""CSRF is enforced on every form; a forged POST is refused and recorded."""

from __future__ import annotations

from django.test import Client

from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action

from .base import PASSWORD, WebTestCase


class CsrfTests(WebTestCase):
    def setUp(self) -> None:
        self.client = Client(enforce_csrf_checks=True)

    def test_it_refuses_a_forged_login(self) -> None:
        response = self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "could not be accepted", status_code=403)
        self.assertAudited(Action.ACCESS_DENIED, status=403)

    def test_it_refuses_a_forged_post_from_a_signed_in_user(self) -> None:
        self.set_role(self.alice, Role.ADMINISTRATOR)
        self.login(self.alice)
        response = self.client.post(f"/accounts/admin/users/{self.alice.pk}/",
                                    {"first_name": "Mallory"})
        self.assertEqual(response.status_code, 403)
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.first_name, "Alice")
        event = self.assertAudited(Action.ACCESS_DENIED, actor=self.alice)
        self.assertIn("CSRF", event.details["reason"])

    def test_it_accepts_the_form_with_its_token(self) -> None:
        page = self.client.get("/accounts/login/")
        token = page.context["csrf_token"]
        response = self.client.post("/accounts/login/", {
            "username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": str(token)})
        self.assertEqual(response.status_code, 302)
