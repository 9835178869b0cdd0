"""Sharing and unsharing register records: the owner only, with a reason, audited."""

from __future__ import annotations

from django.test import override_settings

from safeguard.web.audit.models import Action
from safeguard.web.core.models import Share

from .base import NOW, RegisterTestCase


@override_settings(SAFEGUARDING_NOW=NOW)
class SharingTests(RegisterTestCase):
    def url(self, kind: str = "child", pk: int | None = None) -> str:
        return f"/safeguarding/share/{kind}/{pk or self.child.pk}/"

    def test_the_owner_shares_a_child_with_its_records(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url(), {
            "agency": self.partner_agency.pk, "reason": "Strategy discussion on Monday",
            "with_child_records": "on"})
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        for obj in (self.child, self.assessment, self.episode, self.concern, self.referral):
            with self.subTest(record=obj._meta.model_name):
                share = self.shares_of(obj).get()
                self.assertEqual((share.agency, share.reason, share.shared_by),
                                 (self.partner_agency, "Strategy discussion on Monday",
                                  self.alice))
                event = self.assertAudited(Action.SHARE, obj, actor=self.alice,
                                           with_agency=self.partner_agency.name)
                self.assertEqual(event.justification, "Strategy discussion on Monday")
        self.login(self.bob)
        self.justify(self.child)
        self.assertEqual(self.client.get(f"/safeguarding/risk/{self.assessment.pk}/")
                         .status_code, 200)

    def test_a_child_alone(self) -> None:
        self.login(self.alice)
        self.client.post(self.url(), {"agency": self.partner_agency.pk,
                                      "reason": "Child only, for the referral"})
        self.assertEqual(self.shares_of(self.child).count(), 1)
        self.assertFalse(self.shares_of(self.assessment).exists())

    def test_a_share_needs_an_agency_and_a_reason(self) -> None:
        self.login(self.alice)
        # A refused form shows the record again: the reason for opening it comes first.
        response = self.client.post(self.url(), {"reason": "short"})
        self.assertContains(response, "Why do you need to open this record?")
        self.justify(self.child)
        response = self.client.post(self.url(), {"reason": "short"})
        self.assertContains(response, '<a href="#id_agency">Share with</a>: This field is '
                            "required.", status_code=400)
        self.assertContains(response, "at least 10 characters", status_code=400)
        self.assertFalse(Share.objects.exists())
        # Not with its own agency (not offered), nor twice.
        self.share_with(self.child)
        response = self.client.post(self.url(), {"agency": self.partner_agency.pk,
                                                  "reason": "A second time round"})
        self.assertContains(response, "Select a valid choice", status_code=400)
        response = self.client.post(self.url(), {"agency": self.owner_agency.pk,
                                                  "reason": "To ourselves, oddly"})
        self.assertContains(response, "Select a valid choice", status_code=400)

    def test_unsharing_stamps_the_share_and_hides_the_record(self) -> None:
        share = self.share_with(self.adult)
        self.login(self.alice)
        url = f"/safeguarding/share/adultofconcern/{self.adult.pk}/{share.pk}/revoke/"
        self.assertEqual(self.client.post(url).status_code, 302)
        share.refresh_from_db()
        self.assertEqual(share.revoked_by, self.alice)
        self.assertAudited(Action.REVOKE, self.adult, actor=self.alice,
                           with_agency=self.partner_agency.name)
        self.assertEqual(self.client.post(url).status_code, 404)  # no longer active
        self.login(self.bob)
        self.justify(self.adult)
        self.assertEqual(self.client.get(f"/safeguarding/adults/{self.adult.pk}/").status_code,
                         404)
        # The page keeps the history of what was disclosed.
        self.login(self.alice)
        self.justify(self.adult)
        page = self.client.get(f"/safeguarding/share/adultofconcern/{self.adult.pk}/")
        self.assertContains(page, self.partner_agency.name)
        self.assertContains(page, "strategy meeting")

    def test_a_partner_cannot_share_or_unshare(self) -> None:
        share = self.share_with(self.child)
        self.login(self.bob)
        response = self.client.post(self.url(), {"agency": self.outsider_agency.pk,
                                                 "reason": "Passing it onwards"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.post(
            f"{self.url()}{share.pk}/revoke/").status_code, 403)
        self.assertAudited(Action.ACCESS_DENIED, self.child, actor=self.bob, status=403)
        self.login(self.charlie)
        self.assertEqual(self.client.post(f"{self.url()}{share.pk}/revoke/").status_code, 404)
        share.refresh_from_db()
        self.assertIsNone(share.revoked_at)

    def test_every_register_record_kind_has_the_screen(self) -> None:
        self.login(self.alice)
        for kind, obj in (("adultofconcern", self.adult), ("riskassessment", self.assessment),
                          ("missingepisode", self.episode), ("concern", self.concern),
                          ("referral", self.referral), ("warningnotice", self.notice),
                          ("panelmeeting", self.panel)):
            with self.subTest(kind=kind):
                self.justify(getattr(obj, "child", obj))
                self.assertEqual(self.client.get(self.url(kind, obj.pk)).status_code, 200)
                self.client.post(self.url(kind, obj.pk), {"agency": self.partner_agency.pk,
                                                          "reason": "Needed for the panel"})
                self.assertAudited(Action.SHARE, obj, actor=self.alice)
