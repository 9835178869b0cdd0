"""From lead to case: an investigation opened from a subject, and the triage of what is
seized later feeding the subject's profile."""

from __future__ import annotations

from datetime import date

from safeguard.web.intelligence.models import Decision, Subject
from safeguard.web.intelligence.scoring.cases import feed_subjects
from safeguard.web.intelligence.scoring.stats import recount
from safeguard.web.investigations.models import Exhibit, Investigation, Suspect
from safeguard.web.triage_runs.models import FileRecord, JobStatus, TriageJob, TriageSummary

from .helpers import A_FILES, B_FILES, IntelTestCase, referral


class CaseTests(IntelTestCase):
    def setUp(self) -> None:
        self.take_in(referral("R1", email="a@example.org", username="Dark_Fox",
                              md5s=[A_FILES[0]]))
        self.subject = Subject.objects.get()
        self.url = f"/intelligence/subjects/{self.subject.pk}/investigate/"
        self.login(self.alice)
        self.justify(self.subject)

    def open_case(self) -> Investigation:
        response = self.client.post(self.url, {
            "reference": "INT-0001", "title": "Intelligence lead",
            "reason": "Category A material shared from a home address"})
        investigation = Investigation.objects.get()
        self.assertRedirects(response, f"/investigations/{investigation.pk}/",
                             fetch_redirect_response=False)
        return investigation

    def test_it_opens_an_investigation_with_a_suspect(self) -> None:
        investigation = self.open_case()
        suspect = Suspect.objects.get()
        self.subject.refresh_from_db()
        self.assertEqual((self.subject.investigation, self.subject.suspect, self.subject.status),
                         (investigation, suspect, "investigation"))
        self.assertEqual(list(suspect.investigations.all()), [investigation])
        self.assertIn("email: a@example.org", suspect.notes)
        self.assertEqual((investigation.owning_agency, investigation.officer_in_charge),
                         (self.owner_agency, self.alice))
        decision = Decision.objects.get()
        self.assertEqual((decision.kind, decision.decided_by), ("investigation", self.alice))
        self.assertAudited("create", investigation, actor=self.alice,
                           from_subject=self.subject.label)
        self.assertAudited("create", suspect, actor=self.alice)
        self.assertAudited("update", self.subject, actor=self.alice, decision="investigation")
        # Off the queue, and the form now leads to the investigation.
        queue = self.client.get("/intelligence/")
        self.assertEqual(queue.context["rows"], [])
        self.assertRedirects(self.client.get(self.url), f"/investigations/{investigation.pk}/",
                             fetch_redirect_response=False)

    def test_a_reference_already_used_names_the_field(self) -> None:
        Investigation.objects.create(owning_agency=self.owner_agency, reference="INT-0001",
                                     title="Another", opened_on=date(2026, 1, 5))
        response = self.client.post(self.url, {"reference": "INT-0001", "title": "x",
                                               "reason": "Category A material shared"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Reference</a>: Your agency has an investigation",
                            status_code=400)

    def test_the_triage_of_seized_exhibits_feeds_the_profile(self) -> None:
        investigation = self.open_case()
        suspect = Suspect.objects.get()
        exhibit = Exhibit.objects.create(
            owning_agency=self.owner_agency, investigation=investigation, reference="EX-0001",
            exhibit_type="laptop", seized_from_suspect=suspect, evidence_path="/evidence/x")
        job = TriageJob.objects.create(exhibit=exhibit, status=JobStatus.RUNNING)
        for index, (md5, category) in enumerate([(A_FILES[0], "A"), (A_FILES[6], "A"),
                                                 (B_FILES[7], "B"), ("", "")]):
            FileRecord.objects.create(job=job, evidence="/evidence/x", path=f"/f{index}.jpg",
                                      file_type="image", md5=md5, category=category,
                                      hashset="intel-test" if category else "",
                                      match="exact" if category else "none")
        with self.captureOnCommitCallbacks(execute=True):
            TriageSummary.objects.create(job=job, categories={"A": {"unique_images": 2}})
        self.subject.refresh_from_db()
        self.assertEqual((self.subject.known_files, self.subject.category_a_files), (3, 2))
        before = Subject.objects.values().get(pk=self.subject.pk)
        recount([self.subject.pk])
        self.assertEqual(Subject.objects.values().get(pk=self.subject.pk), before)
        self.assertAudited("update", self.subject, triage_files=2, category_a=1)
        self.assertEqual(feed_subjects(suspect.pk), 0)  # a file counts once
        page = self.client.get(f"/intelligence/subjects/{self.subject.pk}/")
        self.assertContains(page, "EX-0001")
        self.assertContains(page, "A: 2 images")
