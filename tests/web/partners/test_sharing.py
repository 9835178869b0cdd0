"""Sharing a business or a training session through the page: the owner's writers share
with a reason, the other agency reads and never writes, ending the share closes it
again, each step audited; others cannot reach the page."""

from __future__ import annotations

from safeguard.web.audit.models import Action
from safeguard.web.core.models import Share

from .base import PartnersTestCase

REASON = "The council's licensing team reviews this firm's training."


class PartnersSharingTests(PartnersTestCase):
    def test_a_business_is_shared_read_only_and_unshared(self) -> None:
        url = f"/partners/share/business/{self.business.pk}/"
        self.login(self.alice)
        self.assertContains(self.client.get(f"/partners/businesses/{self.business.pk}/"),
                            f'href="{url}"')
        response = self.client.post(url, {"agency": self.partner_agency.pk,
                                          "reason": REASON})
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.assertAudited(Action.SHARE, self.business, actor=self.alice)
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/partners/businesses/{self.business.pk}/")
                         .status_code, 200)
        self.assertEqual(self.client.get(f"/partners/businesses/{self.business.pk}/edit/")
                         .status_code, 403)
        self.assertEqual(self.client.get(url).status_code, 403)   # may not pass it on
        granted = Share.objects.active().get()
        self.login(self.alice)
        self.client.post(f"{url}{granted.pk}/revoke/")
        self.assertAudited(Action.REVOKE, self.business, actor=self.alice)
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/partners/businesses/{self.business.pk}/")
                         .status_code, 404)

    def test_a_session_is_shared_the_same_way(self) -> None:
        url = f"/partners/share/session/{self.session.pk}/"
        self.login(self.alice)
        self.assertContains(self.client.get(f"/partners/training/{self.session.pk}/"),
                            f'href="{url}"')
        self.client.post(url, {"agency": self.partner_agency.pk, "reason": REASON})
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/partners/training/{self.session.pk}/")
                         .status_code, 200)

    def test_outsiders_and_unknown_kinds_get_nothing(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(f"/partners/share/business/{self.business.pk}/")
                         .status_code, 404)
        self.login(self.alice)
        self.assertEqual(self.client.get("/partners/share/concernreport/1/").status_code, 404)
        response = self.client.post(f"/partners/share/business/{self.business.pk}/",
                                    {"agency": self.partner_agency.pk, "reason": "short"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Share.objects.exists())
