"""The three-person boundary on every page of the app: alice's agency owns the case
(200, recorded), bob's reads what is shared with it (200) and may not write (403), and
charlie's sees nothing (404); every refusal is recorded as access_denied."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action

from .helpers import CaseTestCase


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[CaseTestCase], str]
    # The record the page opens, and the one its audit rows name.
    target: Callable[[CaseTestCase], models.Model]
    justified: bool = False
    method: str = "get"


READS = [
    Page("operation", lambda t: f"/investigations/operations/{t.operation.pk}/",
         lambda t: t.operation),
    Page("investigation", lambda t: f"/investigations/{t.investigation.pk}/",
         lambda t: t.investigation),
    Page("suspect", lambda t: f"/investigations/suspects/{t.suspect.pk}/",
         lambda t: t.suspect, justified=True),
    Page("exhibit", lambda t: f"/investigations/exhibits/{t.exhibit.pk}/",
         lambda t: t.exhibit, justified=True),
    Page("job", lambda t: f"/investigations/jobs/{t.job.pk}/", lambda t: t.exhibit,
         justified=True),
    Page("files", lambda t: f"/investigations/jobs/{t.job.pk}/files/", lambda t: t.exhibit,
         justified=True),
]

WRITES = [
    Page("operation edit", lambda t: f"/investigations/operations/{t.operation.pk}/edit/",
         lambda t: t.operation),
    Page("investigation edit", lambda t: f"/investigations/{t.investigation.pk}/edit/",
         lambda t: t.investigation),
    Page("suspect edit", lambda t: f"/investigations/suspects/{t.suspect.pk}/edit/",
         lambda t: t.suspect),
    Page("exhibit edit", lambda t: f"/investigations/exhibits/{t.exhibit.pk}/edit/",
         lambda t: t.exhibit),
    Page("exhibit create", lambda t: f"/investigations/{t.investigation.pk}/exhibits/new/",
         lambda t: t.investigation),
    Page("run triage", lambda t: f"/investigations/exhibits/{t.exhibit.pk}/triage/",
         lambda t: t.exhibit, method="post"),
    Page("cancel job", lambda t: f"/investigations/jobs/{t.job.pk}/cancel/",
         lambda t: t.exhibit, method="post"),
    *[Page(f"share {kind}", (lambda k: lambda t: f"/investigations/share/{k}/"
                             f"{getattr(t, k).pk}/")(kind),
           (lambda k: lambda t: getattr(t, k))(kind))
      for kind in ("operation", "investigation", "suspect", "exhibit")],
]

LISTS = ["/investigations/", "/investigations/operations/", "/investigations/suspects/",
         "/investigations/exhibits/"]
CREATES = ["/investigations/new/", "/investigations/operations/new/",
           "/investigations/suspects/new/"]


class AccessBoundaryTests(CaseTestCase):
    def share_everything(self) -> None:
        for obj in (self.operation, self.investigation, self.suspect, self.exhibit):
            self.share_with(obj)

    def test_the_owner_reads_every_page_and_each_look_is_recorded(self) -> None:
        self.login(self.alice)
        for page in READS:
            target = page.target(self)
            if page.justified:
                self.justify(target)
            before = self.audit_events(Action.VIEW, target).count()
            response = self.client.get(page.url(self))
            self.assertEqual(response.status_code, 200, page.name)
            self.assertEqual(self.audit_events(Action.VIEW, target).count(), before + 1,
                             page.name)
            event = self.audit_events(Action.VIEW, target).last()
            assert event is not None
            self.assertEqual(event.actor, self.alice)
            if page.justified:
                self.assertTrue(event.justification, page.name)

    def test_sensitive_pages_ask_why_before_they_open(self) -> None:
        self.login(self.alice)
        for page in READS:
            if not page.justified:
                continue
            response = self.client.get(page.url(self))
            self.assertContains(response, 'id="justification"', msg_prefix=page.name)
            self.assertNotAudited(Action.VIEW, page.target(self))

    def test_a_partner_reads_what_is_shared_and_nothing_else(self) -> None:
        self.login(self.bob)
        for page in READS:
            self.assertEqual(self.client.get(page.url(self)).status_code, 404, page.name)
        self.share_everything()
        for page in READS:
            if page.justified:
                self.justify(page.target(self))
            self.assertEqual(self.client.get(page.url(self)).status_code, 200, page.name)
            self.assertAudited(Action.VIEW, page.target(self), actor=self.bob)

    def test_a_partner_may_not_write_even_when_shared(self) -> None:
        self.share_everything()
        self.set_role(self.bob, Role.SUPERVISOR)
        self.login(self.bob)
        for page in WRITES:
            response = getattr(self.client, page.method)(page.url(self))
            self.assertEqual(response.status_code, 403, page.name)
            self.assertAudited(Action.ACCESS_DENIED, page.target(self), actor=self.bob,
                               status=403)

    def test_an_outsider_gets_404_everywhere_and_it_is_recorded(self) -> None:
        self.login(self.charlie)
        for page in [*READS, *WRITES]:
            response = getattr(self.client, page.method)(page.url(self))
            self.assertEqual(response.status_code, 404, page.name)
            self.assertAudited(Action.ACCESS_DENIED, page.target(self), actor=self.charlie,
                               status=404)
        response = self.client.get(f"/investigations/jobs/{self.job.pk}/progress.json")
        self.assertEqual(response.status_code, 404)

    def test_a_job_that_does_not_exist_is_404(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get("/investigations/jobs/999999/").status_code, 404)
        event = self.last_event()
        self.assertEqual((event.action, event.object_type, event.object_id),
                         (Action.ACCESS_DENIED, "triage_runs.triagejob", "999999"))

    def test_roles_without_rights_get_403_from_the_owner_agency(self) -> None:
        self.set_role(self.alice, Role.PRACTITIONER)
        self.login(self.alice)
        for page in WRITES:
            response = getattr(self.client, page.method)(page.url(self))
            self.assertEqual(response.status_code, 403, page.name)
            self.assertAudited(Action.ACCESS_DENIED, page.target(self), actor=self.alice,
                               reason="role practitioner may not do this")
        for url in CREATES:
            self.assertEqual(self.client.get(url).status_code, 403, url)

    def test_supervisors_edit_but_do_not_start_triage(self) -> None:
        self.set_role(self.alice, Role.SUPERVISOR)
        self.login(self.alice)
        self.justify(self.exhibit)
        url = f"/investigations/exhibits/{self.exhibit.pk}/edit/"
        self.assertEqual(self.client.get(url).status_code, 200)
        triage = f"/investigations/exhibits/{self.exhibit.pk}/triage/"
        self.assertEqual(self.client.post(triage).status_code, 403)

    def test_partner_agencies_create_no_police_records(self) -> None:
        self.set_role(self.bob, Role.SUPERVISOR)
        self.login(self.bob)
        for url in CREATES:
            self.assertEqual(self.client.get(url).status_code, 403, url)
        self.assertAudited(Action.ACCESS_DENIED, actor=self.bob,
                           reason="only police agencies keep investigation records")

    def test_lists_show_only_what_the_agency_may_see_and_are_recorded(self) -> None:
        self.login(self.alice)
        for url in LISTS:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
        self.assertAudited(Action.VIEW, actor=self.alice, list="exhibits")
        # A partner agency: the section opens only for what is shared with it.
        for user in (self.bob, self.charlie):
            self.login(user)
            for url in LISTS:
                self.assertEqual(self.client.get(url).status_code, 403, (user.username, url))
        self.share_with(self.exhibit)
        self.login(self.bob)
        exhibits = self.client.get("/investigations/exhibits/")
        self.assertEqual(exhibits.status_code, 200)
        self.assertContains(exhibits, self.exhibit.reference)
        self.assertAudited(Action.VIEW, actor=self.bob, list="exhibits")
        self.assertNotContains(self.client.get("/investigations/"), "INV-1")
