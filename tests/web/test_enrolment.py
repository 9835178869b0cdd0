"""First sign-in enrols an authenticator: QR code (inline SVG) and the typed secret."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.web.accounts import totp
from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action

from .base import PASSWORD, WebTestCase, make_user


class EnrolmentTests(WebTestCase):
    def setUp(self) -> None:
        self.dora = make_user("dora", self.owner_agency, Role.PRACTITIONER, enrolled=False)

    def start(self) -> None:
        response = self.client.post("/accounts/login/", {"username": "dora", "password": PASSWORD})
        self.assertRedirects(response, "/accounts/login/enrol/", fetch_redirect_response=False)

    def test_it_shows_a_qr_code_and_the_secret(self) -> None:
        self.start()
        response = self.client.get("/accounts/login/enrol/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<svg")
        device = TOTPDevice.objects.get(user=self.dora)
        self.assertFalse(device.confirmed)
        self.assertContains(response, totp.grouped(totp.secret_base32(device)))
        # No script or inline style in the QR code (CSP).
        svg = response.content.decode().split("<svg", 1)[1].split("</svg>", 1)[0]
        self.assertNotIn("<script", svg)
        self.assertNotIn("style=", svg)

    def test_it_keeps_the_secret_across_reloads(self) -> None:
        self.start()
        self.client.get("/accounts/login/enrol/")
        self.client.get("/accounts/login/enrol/")
        self.assertEqual(TOTPDevice.objects.filter(user=self.dora).count(), 1)

    def test_it_confirms_the_device_with_a_code_and_signs_in(self) -> None:
        self.start()
        self.client.get("/accounts/login/enrol/")
        response = self.client.post("/accounts/login/enrol/", {"code": self.code_for(self.dora)})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertTrue(TOTPDevice.objects.get(user=self.dora).confirmed)
        self.assertEqual(self.client.get("/").status_code, 200)
        self.assertAudited(Action.UPDATE, self.dora, actor=self.dora,
                           change="authenticator enrolled")
        self.assertAudited(Action.LOGIN, actor=self.dora)

    def test_it_refuses_a_wrong_enrolment_code(self) -> None:
        self.start()
        self.client.get("/accounts/login/enrol/")
        good = self.code_for(self.dora)
        response = self.client.post("/accounts/login/enrol/",
                                    {"code": f"{(int(good) + 7) % 1_000_000:06d}"})
        self.assertContains(response, "That code is not right.")
        self.assertFalse(TOTPDevice.objects.get(user=self.dora).confirmed)
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_it_sends_an_enrolled_user_to_the_code_page(self) -> None:
        self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        response = self.client.get("/accounts/login/enrol/")
        self.assertRedirects(response, "/accounts/login/code/", fetch_redirect_response=False)

    def test_it_needs_the_password_first(self) -> None:
        response = self.client.get("/accounts/login/enrol/")
        self.assertRedirects(response, "/accounts/login/", fetch_redirect_response=False)

    def test_the_pending_sign_in_expires(self) -> None:
        self.start()
        session = self.client.session
        session["safeguard_pending_at"] -= 301
        session.save()
        response = self.client.get("/accounts/login/enrol/")
        self.assertRedirects(response, "/accounts/login/", fetch_redirect_response=False)
