"""Enrolling an authenticator takes a single-use link from an administrator: a fresh
secret per link (QR code, inline SVG, and the typed key), the password and a code."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.web.accounts import enrolment, totp
from safeguard.web.accounts.models import EnrolmentLink, Role
from safeguard.web.audit.models import Action

from .base import PASSWORD, WebTestCase, code_of, make_user


class EnrolmentLinkTests(WebTestCase):
    def setUp(self) -> None:
        self.dora = make_user("dora", self.owner_agency, Role.PRACTITIONER, enrolled=False)
        self.token = enrolment.issue(self.dora, by=self.alice)
        self.url = f"/accounts/enrol/{self.token}/"

    def device(self) -> TOTPDevice:
        link = EnrolmentLink.objects.filter(user=self.dora).order_by("-id").first()
        assert link is not None
        assert link.device is not None
        return link.device

    def test_it_shows_a_qr_code_and_the_links_own_secret(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<svg")
        device = self.device()
        self.assertFalse(device.confirmed)
        self.assertContains(response, totp.grouped(totp.secret_base32(device)))
        # No script or inline style in the QR code (CSP).
        svg = response.content.decode().split("<svg", 1)[1].split("</svg>", 1)[0]
        self.assertNotIn("<script", svg)
        self.assertNotIn("style=", svg)

    def test_the_secret_stays_across_reloads_and_differs_between_links(self) -> None:
        self.client.get(self.url)
        first = totp.secret_base32(self.device())
        self.client.get(self.url)
        self.assertEqual(totp.secret_base32(self.device()), first)
        # A second link (the first then ends) brings a secret of its own.
        second = enrolment.issue(self.dora, by=self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.client.get(f"/accounts/enrol/{second}/")
        self.assertNotEqual(totp.secret_base32(self.device()), first)

    def test_the_password_and_a_code_enrol_and_sign_in(self) -> None:
        self.client.get(self.url)
        response = self.client.post(self.url, {"password": PASSWORD,
                                               "code": code_of(self.device())})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertTrue(TOTPDevice.objects.get(user=self.dora).confirmed)
        self.assertEqual(self.client.get("/").status_code, 200)
        self.assertAudited(Action.UPDATE, self.dora, actor=self.dora,
                           change="authenticator enrolled")
        self.assertAudited(Action.LOGIN, actor=self.dora)
        # Used: the link works once.
        self.client.post("/accounts/logout/")
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_a_wrong_password_or_code_is_refused_without_saying_which(self) -> None:
        self.client.get(self.url)
        good = code_of(self.device())
        for password, code in ((PASSWORD, f"{(int(good) + 7) % 1_000_000:06d}"),
                               ("not-the-password-1", good)):
            response = self.client.post(self.url, {"password": password, "code": code})
            self.assertContains(response, "The password or the code is not right.",
                                status_code=400)
        self.assertFalse(TOTPDevice.objects.filter(user=self.dora, confirmed=True).exists())
        self.assertEqual(self.client.get("/").status_code, 302)
        self.assertEqual(len(self.audit_events(Action.LOGIN_FAILED)), 2)

    def test_an_expired_or_made_up_link_is_refused(self) -> None:
        EnrolmentLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        self.assertEqual(self.client.get(self.url).status_code, 404)
        response = self.client.get("/accounts/enrol/not-a-real-token/")
        self.assertContains(response, "This link does not work", status_code=404)

    def test_a_password_alone_offers_no_enrolment(self) -> None:
        # The old way in: a password, then the enrolment page with the secret.
        response = self.client.post("/accounts/login/", {"username": "dora",
                                                         "password": PASSWORD})
        self.assertRedirects(response, "/accounts/login/code/", fetch_redirect_response=False)
        self.assertNotContains(self.client.get("/accounts/login/code/"), "<svg")
        self.assertFalse(TOTPDevice.objects.filter(user=self.dora).exists())

    def test_completing_a_link_replaces_an_old_authenticator(self) -> None:
        TOTPDevice.objects.create(user=self.dora, name="old phone", confirmed=True)
        self.client.get(self.url)
        device = self.device()
        self.client.post(self.url, {"password": PASSWORD, "code": code_of(device)})
        self.assertEqual(list(TOTPDevice.objects.filter(user=self.dora)), [device])
