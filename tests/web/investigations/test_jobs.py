"""The job page, its progress endpoint, cancelling, and the files table."""

from __future__ import annotations

import time

from django.utils import timezone

from safeguard.web.audit.models import Action
from safeguard.web.middleware import LAST_ACTIVITY_KEY
from safeguard.web.triage_runs.models import JobStatus, TriageJob

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
        self.assertNotContains(page, "triage_runs/js/progress.js")
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
        self.assertContains(page, "triage_runs/js/progress.js")
        self.assertContains(page, f'data-url="/investigations/jobs/{job.pk}/progress.json"')
        self.assertContains(page, "Cancel the triage")

    def test_progress_is_json_with_files_size_rate_share_and_time_left(self) -> None:
        started = timezone.now() - timezone.timedelta(seconds=10)
        job = TriageJob.objects.create(exhibit=self.exhibit, status=JobStatus.RUNNING,
                                       stage="examining", started_at=started,
                                       files_done=120, bytes_done=5_242_880,
                                       bytes_total=10_485_760)
        self.login(self.alice)
        response = self.client.get(f"/investigations/jobs/{job.pk}/progress.json")
        self.assertEqual(response["Content-Type"], "application/json")
        data = response.json()
        self.assertEqual((data["status"], data["files"], data["bytes"], data["bytes_total"]),
                         ("running", 120, 5_242_880, 10_485_760))
        self.assertEqual(data["stage_label"], "Reading and hashing files")
        # One size format for the page and its poll (core/formats.py: Django's).
        self.assertEqual(data["read"], "5.0 MB of 10.0 MB")
        self.assertRegex(data["rate"], r"^1\d\.\d files/s · 5\d\d\.\d KB/s$")
        self.assertEqual(data["elapsed"], "10 s")
        # Half read in 10 seconds: half again is about 10 seconds.
        self.assertEqual((data["percent"], data["remaining"]), (50, "less than a minute left"))
        self.assertFalse(data["finished"])
        # Polls are not recorded: the page that polls was.
        self.assertNotAudited(Action.VIEW, self.exhibit)

    def test_no_share_or_time_left_without_the_evidence_size(self) -> None:
        job = TriageJob.objects.create(
            exhibit=self.exhibit, status=JobStatus.RUNNING, stage="examining",
            started_at=timezone.now() - timezone.timedelta(minutes=20),
            files_done=5, bytes_done=1_000, bytes_total=None)
        self.login(self.alice)
        data = self.client.get(f"/investigations/jobs/{job.pk}/progress.json").json()
        self.assertEqual((data["percent"], data["remaining"], data["read"]),
                         (None, "", "1000 bytes"))
        self.assertEqual(data["elapsed"], "20 min")
        self.justify(self.exhibit)
        page = self.client.get(f"/investigations/jobs/{job.pk}/")
        # An indeterminate bar: no value until the engine gives a total.
        self.assertContains(page, '<progress id="job-bar" max="100" aria-labelledby')

    def test_the_time_left_comes_from_the_rate_so_far(self) -> None:
        job = TriageJob.objects.create(
            exhibit=self.exhibit, status=JobStatus.RUNNING, stage="examining",
            started_at=timezone.now() - timezone.timedelta(minutes=2),
            files_done=500, bytes_done=1_000_000_000, bytes_total=4_000_000_000)
        self.login(self.alice)
        self.justify(self.exhibit)
        data = self.client.get(f"/investigations/jobs/{job.pk}/progress.json").json()
        self.assertEqual((data["percent"], data["remaining"]), (25, "about 6 min left"))
        page = self.client.get(f"/investigations/jobs/{job.pk}/")
        self.assertContains(page, '<progress id="job-bar" max="100" value="25"')
        self.assertContains(page, '<span id="job-percent" class="percent">25%</span>')
        self.assertContains(page, "about 6 min left")

    def test_a_queued_job_says_so_in_the_panel_and_not_in_a_message(self) -> None:
        job = TriageJob.objects.create(exhibit=self.exhibit)
        self.login(self.alice)
        self.justify(self.exhibit)
        page = self.client.get(f"/investigations/jobs/{job.pk}/")
        self.assertNotContains(page, "Triage queued")
        self.assertContains(page, "a worker will start it shortly")
        self.assertContains(page, "assigned when the run starts")
        data = self.client.get(f"/investigations/jobs/{job.pk}/progress.json").json()
        self.assertEqual((data["elapsed"], data["out_dir"]), ("not started", ""))

    def test_a_finished_run_reads_its_time_and_sizes_in_one_format(self) -> None:
        self.job.started_at = timezone.now() - timezone.timedelta(seconds=3)
        self.job.finished_at = self.job.started_at + timezone.timedelta(milliseconds=4)
        self.job.save(update_fields=["started_at", "finished_at"])
        self.login(self.alice)
        self.justify(self.exhibit)
        page = self.client.get(f"/investigations/jobs/{self.job.pk}/").content.decode()
        # Not "— s" for a run shorter than a tenth of a second.
        self.assertIn('<dd id="job-elapsed">under a second</dd>', page)
        # The bytes read and the run's size in the same unit (not "0.0 MB" and "7.8 KB").
        self.assertIn('<dd id="job-read">7.8 KB</dd>', page)
        self.assertIn("<dt>Size</dt><dd>7.8 KB</dd>", page)

    def test_warnings_say_what_they_are_and_none_says_none(self) -> None:
        self.login(self.alice)
        self.justify(self.exhibit)
        page = self.client.get(f"/investigations/jobs/{self.job.pk}/")
        self.assertContains(page, "Warnings (1)")
        self.assertContains(page, "Each warning is a problem with one item")
        self.job.warning_rows.all().delete()
        summary = self.job.summary
        summary.warnings = 0
        summary.save(update_fields=["warnings"])
        page = self.client.get(f"/investigations/jobs/{self.job.pk}/")
        self.assertContains(page, "Warnings (0)")
        self.assertContains(page, "None: every item was read without a problem.")
        self.assertNotContains(page, "problem with one item")

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
