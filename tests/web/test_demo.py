"""Demo agencies and users: idempotent, demo mode only, codes for demo sign-ins."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.test import override_settings

from safeguard.cli.web import web
from safeguard.web import demo
from safeguard.web.accounts.models import Agency, AgencyKind, Role, User

from .base import WebTestCase


class SeedTests(WebTestCase):
    def test_it_creates_the_demo_agencies_and_a_user_per_role(self) -> None:
        logins = demo.seed()
        names = set(Agency.objects.filter(name__endswith="(demo)").values_list("name", flat=True))
        self.assertIn("Staffordshire Police (demo)", names)
        self.assertIn("Staffordshire County Council Children's Services (demo)", names)
        self.assertIn("Stoke-on-Trent City Council (demo)", names)
        kinds = set(Agency.objects.filter(name__endswith="(demo)").values_list("kind", flat=True))
        self.assertTrue({AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.EDUCATION,
                         AgencyKind.VOLUNTARY_SECTOR, AgencyKind.LICENSING_AUTHORITY} <= kinds)
        demo_users = User.objects.filter(agency__name__endswith="(demo)")
        self.assertEqual(set(demo_users.values_list("role", flat=True)), set(Role.values))
        self.assertEqual(len(logins), demo_users.count())
        admin = User.objects.get(username="police.admin")
        self.assertTrue(admin.is_platform_administrator)
        self.assertTrue(admin.check_password(demo.DEMO_PASSWORD))
        self.assertTrue(all(len(login.secret) == 32 for login in logins))

    def test_it_is_idempotent(self) -> None:
        first = demo.seed()
        second = demo.seed()
        self.assertEqual(first, second)
        self.assertEqual(User.objects.filter(username__startswith="police.").count(), 7)

    def test_the_demo_code_signs_in(self) -> None:
        demo.seed()
        code, remaining = demo.current_code("county.practitioner")
        self.assertTrue(1 <= remaining <= 30)
        self.client.post("/accounts/login/", {"username": "county.practitioner",
                                              "password": demo.DEMO_PASSWORD})
        response = self.client.post("/accounts/login/code/", {"code": code})
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    @override_settings(MODE="production")
    def test_it_refuses_outside_demo_mode(self) -> None:
        with pytest.raises(demo.NotDemoMode):
            demo.seed()
        with pytest.raises(demo.NotDemoMode):
            demo.current_code("alice")


class DemoCommandTests(WebTestCase):
    def test_seed_demo_prints_the_logins(self) -> None:
        result = CliRunner().invoke(web, ["seed-demo"])
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("police.investigator", result.output)
        self.assertIn(demo.DEMO_PASSWORD, result.output)
        secret = demo.seed()[0].secret
        self.assertIn(secret, result.output)

    def test_totp_prints_the_current_code(self) -> None:
        demo.seed()
        result = CliRunner().invoke(web, ["totp", "police.reviewer"])
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertRegex(result.output, r"^\d{6}  \(valid for \d+ more seconds\)")

    def test_totp_names_an_unknown_user(self) -> None:
        demo.seed()
        result = CliRunner().invoke(web, ["totp", "nobody"])
        self.assertEqual(result.exit_code, 3)
        self.assertIn("Error:", result.output)

    @override_settings(MODE="production")
    def test_totp_is_refused_outside_demo_mode(self) -> None:
        result = CliRunner().invoke(web, ["totp", "alice"])
        self.assertEqual(result.exit_code, 2)
        self.assertIn("only in demo mode", result.output)
