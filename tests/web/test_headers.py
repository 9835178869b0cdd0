"""Security headers on every response, cookies' flags, and the production defaults."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import override_settings

import safeguard.web.settings as production_like

from .base import PASSWORD, WebTestCase


class HeaderTests(WebTestCase):
    def assertSecure(self, response) -> None:
        csp = response["Content-Security-Policy"]
        self.assertIn("default-src 'self'", csp)
        self.assertIn("script-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertIn("object-src 'none'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("unsafe-eval", csp)
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_the_login_page_has_them(self) -> None:
        response = self.client.get("/accounts/login/")
        self.assertSecure(response)
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_signed_in_pages_have_them(self) -> None:
        self.login(self.alice)
        response = self.client.get("/")
        self.assertSecure(response)
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_redirects_and_errors_have_them(self) -> None:
        self.assertSecure(self.client.get("/audit/"))
        self.login(self.alice)
        self.assertSecure(self.client.get("/audit/"))  # 403 for an investigator
        self.assertSecure(self.client.get("/no-such-page/"))

    def test_static_files_have_them(self) -> None:
        response = self.client.get("/static/safeguard/css/safeguard.css")
        self.assertEqual(response.status_code, 200)
        self.assertIn("default-src 'self'", response["Content-Security-Policy"])

    def test_pages_have_no_inline_script_or_style(self) -> None:
        self.login(self.alice)
        self.set_role(self.alice, "administrator")
        for url in ("/", "/accounts/admin/users/", f"/accounts/admin/users/{self.alice.pk}/",
                    "/accounts/password/"):
            html = self.client.get(url).content.decode()
            self.assertIsNone(re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url)
            self.assertNotIn("<style", html, url)
            self.assertNotIn(" style=", html, url)
            self.assertIsNone(re.search(r"<[^>]+\son[a-z]+\s*=", html), url)  # onclick=...
            self.assertNotIn("http://", html.replace("http://testserver", ""), url)

    def test_cookies_are_http_only_and_strict(self) -> None:
        response = self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Strict")

    @override_settings(SESSION_COOKIE_SECURE=True)
    def test_cookies_are_secure_over_https(self) -> None:
        response = self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        self.assertTrue(response.cookies[settings.SESSION_COOKIE_NAME]["secure"])


class ProductionDefaultsTests(WebTestCase):
    """The values the real settings module chose (tests override only hashing speed)."""

    def test_passwords_are_hashed_with_argon2(self) -> None:
        self.assertEqual(production_like.PASSWORD_HASHERS[0],
                         "django.contrib.auth.hashers.Argon2PasswordHasher")

    def test_passwords_need_twelve_characters(self) -> None:
        rules = {v["NAME"].rsplit(".", 1)[1]: v for v in settings.AUTH_PASSWORD_VALIDATORS}
        self.assertEqual(rules["MinimumLengthValidator"]["OPTIONS"]["min_length"], 12)
        self.assertIn("CommonPasswordValidator", rules)

    def test_csrf_lives_in_the_session(self) -> None:
        self.assertTrue(settings.CSRF_USE_SESSIONS)
        self.assertEqual(settings.CSRF_COOKIE_SAMESITE, "Strict")
