"""The job page, its progress endpoint, cancelling, and the files table."""

from __future__ import annotations

import time

from django.utils import timezone

from safeguard.web.audit.models import Action
from safeguard.web.investigations.models import JobStatus, TriageJob
from safeguard.web.middleware import LAST_ACTIVITY_KEY

from .helpers import CaseTestCase, finished_job, many_rows


class JobPageTests(CaseTestCase):
    def test_it_shows_the_court_figures_and_the_warnings(self) -> None:
        self.login(self.alice)
        self.justify(self.exhibit)
        page = self.client.get(f"/investigations/jobs/{self.job.pk}/")
        self.assertContains(page, 'id="category-figures"')
        # A: two copies, both exact, one deleted, none in a shared location; C: one
        # perceptual match.
        self.assertContains(page, '<th scope="row">A</th>\n    <td>2</td><td>2</td><td>0</td>'
                                  '<td>0</td>\n    <td>1</td>\n'
                                  '    <td class="shared-images">0</td>\n'
                                  '    <td class="shared-videos">0</td>\n'
                                  '    <td>2</td><td>0</td>\n'
                                  '    <td class="informational known-to-circulate">0</td>')
        # The hash set's IsDistributed flag under its true name, never "Distributed".
        self.assertContains(page, "Known to circulate (per hash set)")
        self.assertNotContains(page, ">Distributed<")
        self.assertContains(page, '<th scope="row">Total</th>')
        self.assertContains(page, "truncated JPEG")
        self.assertContains(page, "Browse the 8 files")
        self.assertNotContains(page, "investigations/js/progress.js")
        event = self.assertAudited(Action.VIEW, self.exhibit, actor=self.alice,
                                   page="triage job", job=self.job.pk)
        self.assertTrue(event.justification)

    def test_a_summary_from_before_the_shared_location_figure_reads_rightly(self) -> None:
        summary = self.job.summary
        summary.categories = {"A": {"images": 2, "videos": 0, "unique_images": 2,
                                    "unique_videos": 0, "deleted": 1, "distributed": 2,
                                    "exact": 2, "perceptual": 0}}
        summary.save(update_fields=["categories"])
        self.login(self.alice)
        self.justify(self.exhibit)
        page = self.client.get(f"/investigations/jobs/{self.job.pk}/")
        # Not counted then: a dash, not a zero; the old count under its true name.
        self.assertContains(page, '<td class="shared-images">—</td>', count=2)  # A, Total
        self.assertContains(page, '<td class="informational known-to-circulate">2</td>',
                            count=2)
        self.assertNotContains(page, ">Distributed<")
        exhibit_page = self.client.get(f"/investigations/exhibits/{self.exhibit.pk}/")
        self.assertContains(exhibit_page, '<td class="shared-images">—</td>')

    def test_a_running_job_polls_its_progress(self) -> None:
        job = TriageJob.objects.create(exhibit=self.exhibit, status=JobStatus.RUNNING,
                                       started_at=timezone.now(), files_done=120,
                                       bytes_done=5_000_000, bytes_total=10_000_000)
        self.login(self.alice)
        self.justify(self.exhibit)
        page = self.client.get(f"/investigations/jobs/{job.pk}/")
        self.assertContains(page, "investigations/js/progress.js")
        self.assertContains(page, f'data-url="/investigations/jobs/{job.pk}/progress.json"')
        self.assertContains(page, "Cancel the triage")

    def test_progress_is_json_with_files_megabytes_and_rate(self) -> None:
        started = timezone.now() - timezone.timedelta(seconds=10)
        job = TriageJob.objects.create(exhibit=self.exhibit, status=JobStatus.RUNNING,
                                       stage="examining", started_at=started,
                                       files_done=120, bytes_done=5_000_000,
                                       bytes_total=10_000_000)
        self.login(self.alice)
        response = self.client.get(f"/investigations/jobs/{job.pk}/progress.json")
        self.assertEqual(response["Content-Type"], "application/json")
        data = response.json()
        self.assertEqual((data["status"], data["files"], data["mb"], data["mb_total"]),
                         ("running", 120, 5.0, 10.0))
        self.assertEqual(data["stage_label"], "Reading and hashing files")
        self.assertAlmostEqual(data["files_per_second"], 12.0, delta=1.0)
        self.assertAlmostEqual(data["mb_per_second"], 0.5, delta=0.1)
        self.assertFalse(data["finished"])
        # Polls are not recorded: the page that polls was.
        self.assertNotAudited(Action.VIEW, self.exhibit)

    def test_a_poll_does_not_count_as_activity(self) -> None:
        self.login(self.alice)
        session = self.client.session
        earlier = time.time() - 120
        session[LAST_ACTIVITY_KEY] = earlier
        session.save()
        self.client.get(f"/investigations/jobs/{self.job.pk}/progress.json")
        self.assertEqual(self.client.session[LAST_ACTIVITY_KEY], earlier)
        self.client.get("/investigations/")
        self.assertGreater(self.client.session[LAST_ACTIVITY_KEY], earlier + 100)

    def test_a_queued_job_is_cancelled_at_once(self) -> None:
        job = TriageJob.objects.create(exhibit=self.exhibit)
        self.login(self.alice)
        response = self.client.post(f"/investigations/jobs/{job.pk}/cancel/")
        self.assertRedirects(response, f"/investigations/jobs/{job.pk}/",
                             fetch_redirect_response=False)
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.CANCELLED)
        self.assertAudited(Action.UPDATE, job, actor=self.alice, change="cancel requested",
                           was="queued")

    def test_a_running_job_is_asked_to_stop(self) -> None:
        job = TriageJob.objects.create(exhibit=self.exhibit, status=JobStatus.RUNNING)
        self.login(self.alice)
        self.client.post(f"/investigations/jobs/{job.pk}/cancel/")
        job.refresh_from_db()
        self.assertEqual((job.status, job.cancel_requested), (JobStatus.RUNNING, True))

    def test_a_finished_job_is_not_cancelled(self) -> None:
        self.login(self.alice)
        self.client.post(f"/investigations/jobs/{self.job.pk}/cancel/")
        self.job.refresh_from_db()
        self.assertEqual(self.job.status, JobStatus.DONE)
        self.assertNotAudited(Action.UPDATE, self.job)


class FilesTableTests(CaseTestCase):
    def files(self, query: str = "", job: TriageJob | None = None) -> list[str]:
        job = job or self.job
        response = self.client.get(f"/investigations/jobs/{job.pk}/files/{query}")
        self.assertEqual(response.status_code, 200)
        return [f.full_path for f in response.context["files"]]

    def setUp(self) -> None:
        self.login(self.alice)
        self.justify(self.exhibit)

    def test_it_lists_every_file_in_address_order_without_content(self) -> None:
        listed = self.files()
        self.assertEqual(listed[0], "/DCIM/a.jpg")
        self.assertEqual(len(listed), 8)
        page = self.client.get(f"/investigations/jobs/{self.job.pk}/files/")
        self.assertNotContains(page, "<img")
        self.assertContains(page, "/shared.zip!/old/scan.jpg")
        self.assertAudited(Action.VIEW, self.exhibit, actor=self.alice, page="triage files")

    def test_it_filters(self) -> None:
        cases = {
            "?type=video": ["/Videos/clip.mp4"],
            "?match=perceptual": ["/DCIM/c_small.jpg"],
            "?category=A": ["/DCIM/a.jpg", "/DCIM/b.jpg"],
            "?deleted=yes": ["/DCIM/b.jpg", "/shared.zip!/old/scan.jpg"],
            "?path=NEW1": ["/DCIM/new1.jpg", "/DCIM/new1_copy.jpg"],
            "?path=shared": ["/shared.zip!/old/scan.jpg"],
            "?hash=" + "E" * 32: ["/DCIM/new1_copy.jpg"],
            "?hash=" + "6" * 40: ["/Videos/clip.mp4"],
            "?group=G00001": ["/DCIM/new1.jpg", "/DCIM/new1_copy.jpg"],
            "?type=image&match=none&deleted=no": ["/DCIM/new1.jpg", "/DCIM/new1_copy.jpg"],
        }
        for query, expected in cases.items():
            self.assertEqual(self.files(query), expected, query)
        event = self.assertAudited(Action.VIEW, self.exhibit, page="triage files")
        self.assertEqual(event.details["filters"],
                         {"type": "image", "match": "none", "deleted": "no"})

    def test_a_malformed_hash_filters_nothing_out_and_says_so(self) -> None:
        response = self.client.get(f"/investigations/jobs/{self.job.pk}/files/?hash=xyz")
        self.assertContains(response, "An MD5 (32), SHA-1 (40) or SHA-256 (64) in hex.")

    def test_it_pages_by_keyset_forwards_and_back(self) -> None:
        big = finished_job(self.exhibit, list(many_rows(180)))
        first = self.client.get(f"/investigations/jobs/{big.pk}/files/")
        names = [f.path for f in first.context["files"]]
        self.assertEqual(len(names), 50)
        self.assertIsNone(first.context["previous_url"])
        seen = list(names)
        url = first.context["next_url"]
        while url:
            page = self.client.get(f"/investigations/jobs/{big.pk}/files/{url}")
            seen.extend(f.path for f in page.context["files"])
            last = page
            url = page.context["next_url"]
        self.assertEqual(len(seen), 180)
        self.assertEqual(len(set(seen)), 180)
        self.assertEqual(seen, sorted(seen))
        back = self.client.get(f"/investigations/jobs/{big.pk}/files/"
                               f"{last.context['previous_url']}")
        self.assertEqual([f.path for f in back.context["files"]], seen[100:150])
        self.assertIsNotNone(back.context["next_url"])

    def test_filters_are_kept_across_pages(self) -> None:
        big = finished_job(self.exhibit, list(many_rows(400)))
        first = self.client.get(f"/investigations/jobs/{big.pk}/files/?type=image")
        self.assertIn("type=image", first.context["next_url"])
        second = self.client.get(f"/investigations/jobs/{big.pk}/files/"
                                 f"{first.context['next_url']}")
        self.assertTrue(all(f.file_type == "image" for f in second.context["files"]))
        self.assertEqual(len(second.context["files"]), 50)

    def test_a_job_without_results_lists_nothing(self) -> None:
        job = TriageJob.objects.create(exhibit=self.exhibit)
        self.assertEqual(self.files(job=job), [])
