"""Sharing investigation records through the page: the owner's editors share with a
reason (with the investigation's exhibits and suspects if they choose), the other agency
reads and never writes, an ended share closes the record again; each step is audited."""

from __future__ import annotations

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.audit.models import Action
from safeguard.web.core.models import Share

from ..base import make_user
from .helpers import CaseTestCase

REASON = "Joint investigation: the suspect lives in the neighbouring force area."


class SharingPageTests(CaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = f"/investigations/share/investigation/{self.investigation.pk}/"

    def share_investigation(self, agency: Agency, with_parts: bool = True, **extra: str):
        data = {"agency": agency.pk, "reason": REASON, **extra}
        if with_parts:
            data["with_parts"] = "on"
        return self.client.post(self.url, data)

    def test_an_investigation_is_shared_with_its_exhibits_and_suspects(self) -> None:
        self.login(self.alice)
        self.assertContains(self.client.get(f"/investigations/{self.investigation.pk}/"),
                            f'href="{self.url}"')
        response = self.share_investigation(self.partner_agency)
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        shared = {(s.content_type.model, s.object_id)
                  for s in Share.objects.active().filter(agency=self.partner_agency)}
        self.assertEqual(shared, {("investigation", self.investigation.pk),
                                  ("exhibit", self.exhibit.pk), ("suspect", self.suspect.pk)})
        for obj in (self.investigation, self.exhibit, self.suspect):
            self.assertAudited(Action.SHARE, obj, actor=self.alice, with_agency=str(
                self.partner_agency.name))
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/investigations/{self.investigation.pk}/")
                         .status_code, 200)
        self.justify(self.exhibit)
        self.assertEqual(self.client.get(f"/investigations/exhibits/{self.exhibit.pk}/")
                         .status_code, 200)
        self.assertEqual(self.client.get(f"/investigations/{self.investigation.pk}/edit/")
                         .status_code, 403)
        # The partner may not pass the record on.
        self.assertEqual(self.client.get(self.url).status_code, 403)
        # Ending the investigation's share ends what was shared with it.
        self.login(self.alice)
        self.assertContains(self.client.get(self.url), REASON)
        self.assertAudited(Action.VIEW, self.investigation, actor=self.alice, page="sharing")
        granted = Share.objects.active().get(object_id=self.investigation.pk,
                                             content_type__model="investigation")
        response = self.client.post(f"{self.url}{granted.pk}/revoke/", follow=True)
        self.assertContains(response, "and 2 records shared with it")
        self.assertFalse(Share.objects.active().exists())

    def test_the_investigation_alone_when_asked(self) -> None:
        self.login(self.alice)
        self.share_investigation(self.partner_agency, with_parts=False)
        self.assertEqual(Share.objects.active().count(), 1)

    def test_another_force_and_an_ended_share(self) -> None:
        force = Agency.objects.create(name="West Mercia Police (test)", kind=AgencyKind.POLICE)
        officer = make_user("wendy", force, Role.INVESTIGATOR)
        self.login(self.alice)
        self.share_investigation(force, with_parts=False)
        granted = Share.objects.active().get(agency=force)
        page = self.client.get(self.url)
        self.assertContains(page, REASON)
        # An agency that holds a share already is not offered again.
        self.assertNotContains(page, f'<option value="{force.pk}">')
        response = self.client.post(
            f"/investigations/share/investigation/{self.investigation.pk}/{granted.pk}/revoke/")
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertAudited(Action.REVOKE, self.investigation, actor=self.alice)
        self.login(officer)
        self.assertEqual(self.client.get(f"/investigations/{self.investigation.pk}/")
                         .status_code, 404)

    def test_a_share_needs_a_reason_and_a_real_agency(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url, {"agency": self.partner_agency.pk,
                                               "reason": "because"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "at least 10 characters", status_code=400)
        response = self.client.post(self.url, {"agency": self.owner_agency.pk,
                                               "reason": REASON})
        self.assertEqual(response.status_code, 400)   # not offered: its own agency
        self.assertEqual(self.client.get("/investigations/share/job/1/").status_code, 404)
        self.assertFalse(Share.objects.exists())


class SharingReasonTests(CaseTestCase):
    """The sharing page shows the record: for a suspect or an exhibit, whose own pages ask
    why before they open, it asks too (DPA 2018 s62), and the view carries the reason."""

    def test_a_suspects_sharing_page_asks_for_the_reason_first(self) -> None:
        self.login(self.alice)
        url = f"/investigations/share/suspect/{self.suspect.pk}/"
        response = self.client.get(url)
        self.assertContains(response, "Why do you need to open this record?")
        self.assertNotAudited(Action.VIEW, self.suspect)
        self.justify(self.suspect)
        self.assertEqual(self.client.get(url).status_code, 200)
        event = self.assertAudited(Action.VIEW, self.suspect, actor=self.alice, page="sharing")
        self.assertTrue(event.justification)

    def test_an_exhibits_sharing_page_asks_too(self) -> None:
        self.login(self.alice)
        response = self.client.get(f"/investigations/share/exhibit/{self.exhibit.pk}/")
        self.assertContains(response, "Why do you need to open this record?")
