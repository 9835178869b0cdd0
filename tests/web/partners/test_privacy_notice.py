"""The concern form's privacy notice (DPA 2018 s44, UK GDPR Art 13): open without an
account like the form, linked from the form and the thank-you page, and saying who the
controller is, what is collected, why, who sees it, how long it is kept and the rights."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from safeguard.web.env import SettingError
from safeguard.web.partners.conf import privacy_notice_url

from .base import PartnersTestCase

URL = "/partners/report/privacy/"


@pytest.fixture
def fresh_url() -> Iterator[None]:
    privacy_notice_url.cache_clear()
    yield
    privacy_notice_url.cache_clear()


class PrivacyNoticeTests(PartnersTestCase):
    def test_it_opens_without_an_account(self) -> None:
        response = Client().get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Sign out")
        self.assertIn("default-src 'self'", response["Content-Security-Policy"])
        # Nothing the CSP would refuse: no inline script or style.
        self.assertNotContains(response, "<script")
        self.assertNotContains(response, "<style")
        self.assertNotContains(response, "style=")

    def test_the_form_and_the_thank_you_page_link_to_it(self) -> None:
        form = self.client.get("/partners/report/")
        # A new tab, so that a half-written report is not lost by reading the notice.
        self.assertContains(form, f'href="{URL}" target="_blank" rel="noopener"')
        self.assertContains(form, "Your name and telephone number are optional")
        self.assertContains(self.client.get("/partners/report/?sent=1"), f'href="{URL}"')

    def test_it_names_the_receiving_force_as_controller(self) -> None:
        response = self.client.get(URL)
        self.assertContains(response, f"<strong>{self.owner_agency.name}</strong>")
        self.assertContains(response, "is the controller")

    def test_without_a_police_agency_it_says_the_force_for_the_area(self) -> None:
        self.owner_agency.kind = "health"
        self.owner_agency.save(update_fields=["kind"])
        response = self.client.get(URL)
        self.assertContains(response, "The police force for the area")
        self.assertNotContains(response, self.owner_agency.name)

    def test_it_names_what_is_collected_and_why(self) -> None:
        text = self.client.get(URL).content.decode()
        # Each field of the form that identifies the reporter, and what is logged.
        for collected in ("Your name and a telephone number, only if you give them",
                          "whether the police may contact you", "access code",
                          "internet (IP) address"):
            self.assertIn(collected, text)
        self.assertIn("Giving your name or a telephone number is optional", text)
        self.assertIn("law enforcement purposes under Part 3 of the Data Protection Act 2018",
                      text)
        for heading in ("Who sees it", "How long it is kept", "Your rights"):
            self.assertIn(heading, text)
        self.assertIn("Information Commissioner", text)

    def test_only_get(self) -> None:
        self.assertEqual(self.client.post(URL).status_code, 405)


@pytest.mark.django_db
def test_the_forces_full_notice_is_linked_when_set(fresh_url: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    full = "https://police.example.org/privacy"
    monkeypatch.setenv("SAFEGUARD_PRIVACY_NOTICE_URL", full)
    response = Client().get(URL)
    assert f'<a href="{full}">' in response.content.decode()
    assert "call the police on 101" not in response.content.decode()


@pytest.mark.parametrize("value", ["http://police.example.org/privacy", "javascript:x",
                                   "not a url"])
def test_the_full_notice_must_be_https(fresh_url: None, monkeypatch: pytest.MonkeyPatch,
                                       value: str) -> None:
    monkeypatch.setenv("SAFEGUARD_PRIVACY_NOTICE_URL", value)
    with pytest.raises(SettingError, match="SAFEGUARD_PRIVACY_NOTICE_URL"):
        privacy_notice_url()
