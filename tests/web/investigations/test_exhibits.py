"""Exhibits: evidence paths stay inside the evidence folders; a triage is queued from the
exhibit page by the roles allowed, with the hash sets of the engine's store."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.test import Client, override_settings

from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action
from safeguard.web.investigations.models import Exhibit
from safeguard.web.triage_runs.models import JobStatus, TriageJob

from .helpers import EVIDENCE_ROOT, CaseTestCase


def import_tiny_hashset(home: Path) -> None:
    from safeguard.triage.hashsets import HashSetStore

    listing = home / "bad.csv"
    listing.write_text("md5,category\n" + "0" * 31 + "1,A\n")
    HashSetStore(home / "hashsets").import_file(listing, "tiny-bad", "known-bad", fmt="csv")


class ExhibitFormTests(CaseTestCase):
    def form(self, **changes: object) -> dict[str, object]:
        data: dict[str, object] = {
            "reference": "EX-0002", "exhibit_type": "phone", "make": "Demo", "model": "P1",
            "seized_by": self.alice.pk, "seized_at": "2026-11-03T07:10",
            "evidence_path": str(EVIDENCE_ROOT / "phone.tar")}
        data.update(changes)
        return data

    def test_it_offers_the_next_reference(self) -> None:
        self.login(self.alice)
        page = self.client.get(f"/investigations/{self.investigation.pk}/exhibits/new/")
        self.assertContains(page, 'value="EX-0002"')

    def test_it_creates_an_exhibit_owned_by_the_investigations_agency(self) -> None:
        self.login(self.alice)
        response = self.client.post(f"/investigations/{self.investigation.pk}/exhibits/new/",
                                    self.form())
        exhibit = Exhibit.objects.get(reference="EX-0002")
        self.assertRedirects(response, f"/investigations/exhibits/{exhibit.pk}/",
                             fetch_redirect_response=False)
        self.assertEqual(exhibit.owning_agency, self.owner_agency)
        self.assertAudited(Action.CREATE, exhibit, actor=self.alice,
                           investigation=self.investigation.pk)

    def test_evidence_outside_the_evidence_folders_is_refused(self) -> None:
        self.login(self.alice)
        url = f"/investigations/{self.investigation.pk}/exhibits/new/"
        for path in ("/etc/passwd", "relative/image.dd", f"{EVIDENCE_ROOT}/../etc/x.dd"):
            response = self.client.post(url, self.form(evidence_path=path))
            self.assertEqual(response.status_code, 200, path)
            self.assertContains(response, "evidence", msg_prefix=path)
        self.assertFalse(Exhibit.objects.filter(reference="EX-0002").exists())

    def test_a_link_out_of_the_evidence_folder_is_refused(self) -> None:
        link = EVIDENCE_ROOT / "sneaky.dd"
        link.unlink(missing_ok=True)
        link.symlink_to("/etc/hostname")
        try:
            self.login(self.alice)
            response = self.client.post(
                f"/investigations/{self.investigation.pk}/exhibits/new/",
                self.form(evidence_path=str(link)))
            self.assertContains(response, "SAFEGUARD_EVIDENCE_ROOTS")
        finally:
            link.unlink()

    def test_references_are_unique_within_the_investigation(self) -> None:
        self.login(self.alice)
        response = self.client.post(f"/investigations/{self.investigation.pk}/exhibits/new/",
                                    self.form(reference="EX-0001"))
        self.assertContains(response, "has an exhibit with this reference")

    def test_the_page_shows_the_court_figures_and_the_review_hook(self) -> None:
        self.login(self.alice)
        self.justify(self.exhibit)
        page = self.client.get(f"/investigations/exhibits/{self.exhibit.pk}/")
        self.assertContains(page, 'id="exhibit-figures"')
        self.assertContains(page, '<tr data-category="A"><th scope="row">A</th><td>2</td>')
        self.assertContains(page, 'id="review"')
        self.assertContains(page, "3 images and 1 video matched no hash set")
        self.assertContains(page, "not found on the server")


class RunTriageTests(CaseTestCase):
    def setUp(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="safeguard-home-"))
        self.addCleanup(shutil.rmtree, self.home, True)
        import_tiny_hashset(self.home)
        self.evidence = EVIDENCE_ROOT / "ex1.dd"
        self.evidence.write_bytes(b"\0" * 4096)
        self.addCleanup(self.evidence.unlink)
        settings_override = override_settings(HOME=self.home)
        settings_override.enable()
        self.addCleanup(settings_override.disable)
        self.url = f"/investigations/exhibits/{self.exhibit.pk}/triage/"

    def test_the_form_lists_the_stores_hash_sets(self) -> None:
        self.login(self.alice)
        self.justify(self.exhibit)
        page = self.client.get(f"/investigations/exhibits/{self.exhibit.pk}/")
        self.assertContains(page, "tiny-bad (known-bad, csv, 1 entries)")

    def test_it_queues_a_job_and_records_it(self) -> None:
        self.set_role(self.alice, Role.FORENSIC_EXAMINER)
        self.login(self.alice)
        response = self.client.post(self.url, {"hashsets": ["tiny-bad"], "perceptual": "on",
                                               "pdq_distance": "20", "dihedral": ""})
        job = TriageJob.objects.exclude(pk=self.job.pk).get()
        self.assertRedirects(response, f"/investigations/jobs/{job.pk}/",
                             fetch_redirect_response=False)
        self.assertEqual(job.status, JobStatus.QUEUED)
        self.assertEqual(job.hashsets, ["tiny-bad"])
        # The web's switch, and the engine's options as PerceptualOptions.to_json() writes them.
        self.assertEqual(job.options, {"perceptual": True, "distance": 20, "dihedral": False,
                                       "video_fraction": 0.8})
        self.assertEqual(job.requested_by, self.alice)
        self.assertAudited(Action.CREATE, job, actor=self.alice, exhibit=self.exhibit.pk,
                           hashsets=["tiny-bad"])

    def test_an_unknown_hash_set_is_refused(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url, {"hashsets": ["nope"], "pdq_distance": "31"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(TriageJob.objects.count(), 1)

    def test_missing_evidence_is_refused_before_queueing(self) -> None:
        self.evidence.unlink()
        self.evidence.write_bytes(b"")
        Exhibit.objects.filter(pk=self.exhibit.pk).update(
            evidence_path=str(EVIDENCE_ROOT / "gone.dd"))
        self.login(self.alice)
        response = self.client.post(self.url, {"pdq_distance": "31"})
        self.assertContains(response, "does not exist on the server", status_code=400)
        self.assertEqual(TriageJob.objects.count(), 1)

    def test_a_forged_post_without_csrf_is_refused(self) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.login(self.alice)
        response = self.client.post(self.url, {"hashsets": ["tiny-bad"], "pdq_distance": "31"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(TriageJob.objects.count(), 1)
        event = self.assertAudited(Action.ACCESS_DENIED, actor=self.alice)
        self.assertIn("CSRF", event.details["reason"])
