"""The access policy, probed with the three people on the sample record's views."""

from __future__ import annotations

from django.test import RequestFactory

from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action
from safeguard.web.core import policy
from safeguard.web.core.models import Share

from .base import WebTestCase
from .records.models import CaseNote


class RecordAccessTests(WebTestCase):
    def setUp(self) -> None:
        self.note = CaseNote.objects.create(owning_agency=self.owner_agency, title="Strategy")
        self.share = self.share_with(self.note)
        self.edit_url = f"/records/{self.note.pk}/edit/"

    def test_it_lets_the_owner_write(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get(self.edit_url).status_code, 200)
        response = self.client.post(self.edit_url, {"title": "Strategy (revised)"})
        self.assertEqual(response.status_code, 302)
        self.note.refresh_from_db()
        self.assertEqual(self.note.title, "Strategy (revised)")
        event = self.assertAudited(Action.UPDATE, self.note, actor=self.alice)
        self.assertEqual(event.details["fields"], ["title"])
        self.assertEqual(event.agency, self.owner_agency)

    def test_it_gives_a_partner_403_for_writing(self) -> None:
        self.login(self.bob)
        self.assertEqual(self.client.get(self.edit_url).status_code, 403)
        self.assertEqual(self.client.post(self.edit_url, {"title": "x"}).status_code, 403)
        self.note.refresh_from_db()
        self.assertEqual(self.note.title, "Strategy")
        event = self.assertAudited(Action.ACCESS_DENIED, self.note, actor=self.bob, status=403)
        self.assertEqual(event.details["reason"], "read-only: shared with this agency")

    def test_it_gives_an_outsider_404(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.edit_url).status_code, 404)
        self.assertEqual(self.client.get(f"/records/{self.note.pk}/").status_code, 404)
        event = self.assertAudited(Action.ACCESS_DENIED, self.note, actor=self.charlie,
                                   status=404)
        # Neither the name of what was hidden nor a reason that tells it exists.
        self.assertEqual(event.object_label, "")
        self.assertEqual(event.details["reason"], policy.NOT_FOUND_OR_NO_ACCESS)

    def test_it_gives_404_for_a_record_that_does_not_exist(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get("/records/999999/").status_code, 404)
        event = self.last_event()
        self.assertEqual((event.action, event.object_id), (Action.ACCESS_DENIED, "999999"))
        self.assertEqual(event.details["reason"], policy.NOT_FOUND_OR_NO_ACCESS)

    def test_a_refusal_to_a_partner_names_nothing(self) -> None:
        self.login(self.bob)
        self.client.get(self.edit_url)
        event = self.assertAudited(Action.ACCESS_DENIED, self.note, actor=self.bob, status=403)
        self.assertEqual(event.object_label, "")

    def test_it_checks_the_role_after_the_agency(self) -> None:
        self.set_role(self.alice, Role.ANALYST)
        self.login(self.alice)
        self.assertEqual(self.client.get(self.edit_url).status_code, 403)
        self.assertAudited(Action.ACCESS_DENIED, self.note, reason="role analyst may not do this")

    def test_a_revoked_share_gives_404(self) -> None:
        self.share.revoked_at = self.share.shared_at
        self.share.save()
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/records/{self.note.pk}/").status_code, 404)

    def test_lists_show_owned_and_shared_records_only(self) -> None:
        CaseNote.objects.create(owning_agency=self.outsider_agency, title="Health note")
        CaseNote.objects.create(owning_agency=self.partner_agency, title="Council note")
        expected = {
            self.alice: ["Strategy"],
            self.bob: ["Strategy", "Council note"],
            self.charlie: ["Health note"],
        }
        for user, titles in expected.items():
            self.login(user)
            listed = self.client.get("/records/").content.decode().splitlines()
            self.assertEqual(sorted(listed), sorted(titles), user.username)


class ShareTests(WebTestCase):
    def setUp(self) -> None:
        self.note = CaseNote.objects.create(owning_agency=self.owner_agency, title="Referral")
        self.factory = RequestFactory()

    def request_as(self, user):  # type: ignore[no-untyped-def]
        request = self.factory.post("/")
        request.user = user
        request.session = self.client.session
        return request

    def test_sharing_is_a_recorded_disclosure(self) -> None:
        created = policy.share(self.request_as(self.alice), self.note, self.partner_agency,
                               "MACE panel")
        self.assertEqual(policy.access_level(self.bob, self.note), "read")
        event = self.assertAudited(Action.SHARE, self.note, actor=self.alice,
                                   with_agency=self.partner_agency.name)
        self.assertEqual(event.justification, "MACE panel")
        policy.revoke(self.request_as(self.alice), created)
        self.assertIsNone(policy.access_level(self.bob, self.note))
        self.assertAudited(Action.REVOKE, self.note, actor=self.alice)
        # Revoked, not deleted: the disclosure stays on record.
        self.assertEqual(Share.objects.count(), 1)

    def test_a_partner_cannot_share_onwards(self) -> None:
        self.share_with(self.note)
        with self.assertRaises(policy.Forbidden):
            policy.share(self.request_as(self.bob), self.note, self.outsider_agency, "onwards")

    def test_a_share_needs_a_reason(self) -> None:
        with self.assertRaises(ValueError):
            policy.share(self.request_as(self.alice), self.note, self.partner_agency, " ")

    def test_it_refuses_a_model_that_is_not_agency_owned(self) -> None:
        from safeguard.web.accounts.models import Agency

        with self.assertRaises(TypeError):
            policy.get_object_for(self.request_as(self.alice), Agency, 1)  # type: ignore[type-var]
