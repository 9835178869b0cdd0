"""The home page: signed-in users only; sections by role."""

from __future__ import annotations

from safeguard.web.accounts.models import Role

from .base import WebTestCase, make_user


class HomeTests(WebTestCase):
    def test_it_greets_the_user(self) -> None:
        self.login(self.bob)
        response = self.client.get("/")
        self.assertContains(response, "Welcome, Bob")
        self.assertContains(response, "Stoke-on-Trent City Council (test)")
        self.assertNotContains(response, "/accounts/admin/users/")
        self.assertNotContains(response, "/audit/")

    def test_it_shows_administrators_their_screens(self) -> None:
        root = make_user("root", self.owner_agency, Role.ADMINISTRATOR,
                         manages_all_agencies=True)
        self.login(root)
        response = self.client.get("/")
        for url in ("/accounts/admin/users/", "/accounts/admin/agencies/", "/audit/"):
            self.assertContains(response, f'href="{url}"')

    def test_it_marks_demo_mode(self) -> None:
        self.login(self.alice)
        self.assertContains(self.client.get("/"), "Demo: synthetic data only")

    def test_it_needs_signing_in(self) -> None:
        self.assertRedirects(self.client.get("/"), "/accounts/login/",
                             fetch_redirect_response=False)
