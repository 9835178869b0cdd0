"""A record's access log: supervisors and administrators of the owning agency only."""

from __future__ import annotations

from safeguard.web import audit
from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action
from safeguard.web.core import policy
from safeguard.web.core.audit_pages.views import access_log_url

from .base import WebTestCase, make_user
from .records.models import CaseNote


class AccessLogTests(WebTestCase):
    def setUp(self) -> None:
        self.note = CaseNote.objects.create(owning_agency=self.owner_agency, title="Child C")
        self.share_with(self.note)
        audit.record(None, Action.VIEW, self.note, "Strategy meeting prep", actor=self.alice)
        self.url = access_log_url(self.note)
        self.sam = make_user("sam", self.owner_agency, Role.SUPERVISOR)

    def test_the_url(self) -> None:
        self.assertEqual(self.url, f"/audit/log/records.casenote/{self.note.pk}/")

    def test_a_supervisor_of_the_owner_sees_it(self) -> None:
        self.login(self.sam)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Strategy meeting prep")
        self.assertContains(response, "alice")
        self.assertAudited(Action.VIEW, self.note, actor=self.sam, page="access log")

    def test_an_administrator_of_the_owner_sees_it(self) -> None:
        self.set_role(self.alice, Role.ADMINISTRATOR)
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_an_investigator_of_the_owner_does_not(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertAudited(Action.ACCESS_DENIED, self.note, actor=self.alice)

    def test_a_partner_supervisor_does_not(self) -> None:
        self.set_role(self.bob, Role.SUPERVISOR)
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertAudited(Action.ACCESS_DENIED, self.note, actor=self.bob)

    def test_an_outsider_supervisor_gets_404(self) -> None:
        self.set_role(self.charlie, Role.SUPERVISOR)
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertAudited(Action.ACCESS_DENIED, self.note, actor=self.charlie)

    def test_it_gives_404_for_a_model_that_is_not_a_record(self) -> None:
        self.login(self.sam)
        response = self.client.get(f"/audit/log/accounts.user/{self.sam.pk}/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get("/audit/log/nothing.here/1/").status_code, 404)

    def test_it_lists_only_this_records_events(self) -> None:
        other = CaseNote.objects.create(owning_agency=self.owner_agency, title="Other")
        audit.record(None, Action.VIEW, other, "Unrelated reason", actor=self.alice)
        self.login(self.sam)
        self.assertNotContains(self.client.get(self.url), "Unrelated reason")


class EventListTests(WebTestCase):
    def setUp(self) -> None:
        audit.record(None, Action.LOGIN, actor=self.alice)
        audit.record(None, Action.LOGIN, actor=self.charlie)

    def test_a_supervisor_sees_their_agency_only(self) -> None:
        self.set_role(self.alice, Role.SUPERVISOR)
        self.login(self.alice)
        response = self.client.get("/audit/")
        self.assertEqual(response.status_code, 200)
        rows = [e.actor_username for e in response.context["page"]]
        self.assertIn("alice", rows)
        self.assertNotIn("charlie", rows)

    def test_a_practitioner_gets_403(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get("/audit/").status_code, 403)
        self.assertAudited(Action.ACCESS_DENIED, actor=self.charlie, status=403)

    def test_it_filters_by_action(self) -> None:
        self.set_role(self.alice, Role.SUPERVISOR)
        self.login(self.alice)
        response = self.client.get("/audit/?action=login")
        self.assertTrue(all(e.action == "login" for e in response.context["page"]))


class RefusedNamesTests(WebTestCase):
    """A supervisor whose agency was refused a record never reads its name in the audit,
    whether the row was written before refusals stopped carrying labels or after."""

    def setUp(self) -> None:
        self.secret = CaseNote.objects.create(owning_agency=self.owner_agency,
                                              title="Chloe Example")
        self.shared = CaseNote.objects.create(owning_agency=self.owner_agency,
                                              title="Shared Example")
        self.share_with(self.shared, self.outsider_agency)
        self.set_role(self.charlie, Role.SUPERVISOR)

    def test_the_audit_list_never_names_a_refused_record(self) -> None:
        # An old row, written when refusals carried the record's label.
        audit.record(None, Action.ACCESS_DENIED, self.secret, actor=self.charlie,
                     reason="no access for this agency", status=404)
        audit.record(None, Action.VIEW, self.shared, actor=self.charlie)
        self.login(self.charlie)
        self.client.get(f"/records/{self.secret.pk}/")  # a new refusal
        self.client.get("/records/999999/")
        response = self.client.get("/audit/?action=")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Chloe Example")
        self.assertContains(response, "Shared Example")  # shared: readable, so named
        reasons = {e.details.get("reason") for e in self.audit_events(Action.ACCESS_DENIED)
                   if e.actor == self.charlie and e.details.get("status") == 404
                   and e.sequence > 2}
        self.assertEqual(reasons, {policy.NOT_FOUND_OR_NO_ACCESS})

    def test_the_owners_supervisor_still_reads_the_names(self) -> None:
        audit.record(None, Action.VIEW, self.secret, actor=self.alice)
        sam = make_user("sam2", self.owner_agency, Role.SUPERVISOR)
        self.login(sam)
        self.assertContains(self.client.get("/audit/"), "Chloe Example")

    def test_a_refusal_page_does_not_name_the_record(self) -> None:
        self.login(self.charlie)
        for url in (f"/records/{self.secret.pk}/", f"/records/{self.secret.pk}/edit/",
                    f"/audit/log/records.casenote/{self.secret.pk}/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 404)
            self.assertNotContains(response, "Chloe Example", status_code=404)
