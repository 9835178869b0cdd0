"""The pages' work: the ranked queue and its filters, decisions, register links, merge and
split from the forms, the import pages. Each change leaves its audit row."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from safeguard.web.accounts.models import Role
from safeguard.web.intelligence.models import Decision, Link, Referral, Sighting, Subject
from safeguard.web.safeguarding.models import LinkedPerson

from ..safeguarding.base import make_adult, make_child
from .helpers import A_FILES, B_FILES, IntelTestCase, referral, sighting, sightings_csv


class QueueTests(IntelTestCase):
    def setUp(self) -> None:
        self.take_in(referral("R1", email="low@example.org", md5s=[B_FILES[0]]))
        self.take_in(referral("R2", email="high@example.org", md5s=A_FILES[:5],
                              ips=[("198.51.100.230", "2026-03-03T11:00:00Z")]))
        self.low = Subject.objects.get(links__value="low@example.org")
        self.high = Subject.objects.get(links__value="high@example.org")
        self.login(self.alice)

    def test_it_ranks_by_score_and_explains(self) -> None:
        response = self.client.get("/intelligence/")
        rows = response.context["rows"]
        self.assertEqual([row["subject"] for row in rows], [self.high, self.low])
        self.assertContains(response, "Category A material 25.0")
        self.assertContains(response, "illustrative local configuration")
        self.assertAudited("view", actor=self.alice, page="intelligence queue", status="open")

    def test_it_filters_by_district_status_and_identifier(self) -> None:
        tamworth = self.high.district
        assert tamworth is not None
        response = self.client.get(f"/intelligence/?district={tamworth.pk}")
        self.assertEqual([row["subject"] for row in response.context["rows"]], [self.high])
        response = self.client.get("/intelligence/?q=LOW%40Example.org")
        self.assertEqual([row["subject"] for row in response.context["rows"]], [self.low])
        response = self.client.get(f"/intelligence/?q={self.high.label}")
        self.assertEqual([row["subject"] for row in response.context["rows"]], [self.high])
        self.high.status = "nfa"
        self.high.save()
        response = self.client.get("/intelligence/")
        self.assertEqual([row["subject"] for row in response.context["rows"]], [self.low])
        response = self.client.get("/intelligence/?status=nfa")
        self.assertEqual([row["subject"] for row in response.context["rows"]], [self.high])


class SubjectWorkTests(IntelTestCase):
    def setUp(self) -> None:
        self.take_in(referral("R1", email="a@example.org", md5s=[A_FILES[0]]))
        self.take_in(referral("R2", phone="07700900002", md5s=[B_FILES[0]]))
        self.subject = Subject.objects.get(links__value="a@example.org")
        self.other = Subject.objects.get(links__kind="phone")
        self.login(self.dora)
        self.justify(self.subject)
        self.url = f"/intelligence/subjects/{self.subject.pk}/"

    def test_the_profile_shows_the_score_and_the_provenance(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'id="score">')
        self.assertContains(response, "First seen: a new profile")
        self.assertContains(response, "referral R1")
        self.assertEqual(len(response.context["explanation"].parts), 8)

    def test_a_decision_is_recorded_and_audited(self) -> None:
        response = self.client.post(self.url + "decide/", {"kind": "refer", "reason": "Lives "
                                    "in the neighbouring force area, per the ISP."})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Force referred to", status_code=400)
        response = self.client.post(self.url + "decide/", {
            "kind": "refer", "other_force": "West Mercia Police (example)",
            "reason": "Lives in the neighbouring force area, per the ISP."})
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        decision = Decision.objects.get()
        self.subject.refresh_from_db()
        self.assertEqual((self.subject.status, decision.decided_by, decision.other_force),
                         ("referred", self.dora, "West Mercia Police (example)"))
        self.assertAudited("update", self.subject, actor=self.dora, decision="refer")

    def test_linking_the_register_feeds_access_to_children(self) -> None:
        adult = make_adult(self.owner_agency)
        LinkedPerson.objects.create(child=make_child(self.owner_agency), adult=adult,
                                    relationship="other")
        response = self.client.post(self.url + "edit/", {
            "display_name": "Victor T.", "previous_convictions": "1",
            "adult_of_concern": adult.pk, "child": "", "notes": ""})
        self.assertEqual(response.status_code, 302)
        self.assertAudited("update", self.subject, actor=self.dora,
                           fields=["adult_of_concern", "display_name", "previous_convictions"])
        response = self.client.get(self.url)
        parts = {p.key: p.points for p in response.context["explanation"].parts}
        self.assertEqual((parts["access_to_children"], parts["previous_convictions"]),
                         (25.0, 5.0))

    def test_a_partners_adult_not_shared_cannot_be_chosen(self) -> None:
        theirs = make_adult(self.partner_agency, first_name="Unshared")
        response = self.client.post(self.url + "edit/", {
            "display_name": "", "previous_convictions": "0", "adult_of_concern": theirs.pk})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Adult of concern (safeguarding register)",
                            status_code=400)

    def test_merge_and_split_from_the_forms(self) -> None:
        response = self.client.post(self.url + "merge/", {
            "other": self.other.label, "reason": "The phone is registered to the email owner"})
        self.assertRedirects(response, f"/intelligence/subjects/{self.other.pk}/",
                             fetch_redirect_response=False)
        self.subject.refresh_from_db()
        self.assertEqual(self.subject.merged_into, self.other)
        self.justify(self.other)
        link = Link.objects.get(value="a@example.org")
        response = self.client.post(f"/intelligence/subjects/{self.other.pk}/split/", {
            "links": [link.pk], "reason": "Two people after all: the ISP return"})
        new = Subject.objects.order_by("-pk").first()
        assert new is not None
        self.assertRedirects(response, f"/intelligence/subjects/{new.pk}/",
                             fetch_redirect_response=False)
        self.assertEqual(list(Link.objects.filter(subject=new).values_list("value", flat=True)),
                         ["a@example.org"])
        # The merged profile stays readable, but no more work is done on it.
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.client.get(self.url + "decide/").status_code, 403)

    def test_merging_into_an_unknown_label_names_the_field(self) -> None:
        response = self.client.post(self.url + "merge/", {"other": "S-999999",
                                                          "reason": "no such subject here"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Merge this profile into</a>: No subject of your "
                            "agency has that label.", status_code=400)


class ImportPageTests(IntelTestCase):
    def test_referrals_from_the_page(self) -> None:
        self.login(self.dora)
        body = json.dumps([referral("R1", email="a@example.org"), referral("R2", files=[{}])])
        response = self.client.post("/intelligence/referrals/import/", {
            "document": SimpleUploadedFile("r.json", body.encode(), "application/json")})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "1 taken in, 0 already held, 1 refused",
                            status_code=400)
        self.assertContains(response, "<code>[1].files[0]</code>: give at least one of md5, "
                            "sha1, sha256", status_code=400)
        referral_made = Referral.objects.get()
        self.assertEqual(referral_made.channel, "page")
        self.assertAudited("create", referral_made, actor=self.dora, channel="page")

    def test_sightings_from_the_page(self) -> None:
        self.login(self.dora)
        text = sightings_csv([sighting("2026-03-03T10:00:00Z", "203.0.113.1", A_FILES[0]),
                              sighting("bad", "203.0.113.1", A_FILES[0])])
        response = self.client.post("/intelligence/sightings/import/", {
            "source": "Monitor (example)",
            "document": SimpleUploadedFile("s.csv", text.encode(), "text/csv")})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "2 rows: 1 imported (1 of known material), 1 skipped")
        self.assertContains(response, "s.csv line 3: observed_at")
        self.assertEqual(Sighting.objects.count(), 1)

    def test_an_investigator_may_not_import(self) -> None:
        self.set_role(self.alice, Role.INVESTIGATOR)
        self.login(self.alice)
        response = self.client.post("/intelligence/sightings/import/", {"source": "x"})
        self.assertEqual(response.status_code, 403)
