"""`safeguard worker` end to end: the real engine over a folder of synthetic pictures,
with a hash set imported through the engine's store; failures, cancelling, resuming."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner
from django.test import override_settings
from django.utils import timezone

from safeguard.demo.media import picture_bytes
from safeguard.triage.cluster.local import local_cluster
from safeguard.triage.hashsets import HashSetStore
from safeguard.triage.pipeline import TriageOptions, triage
from safeguard.web.investigations.models import Exhibit, ExhibitType
from safeguard.web.triage_runs import run_queue as queue
from safeguard.web.triage_runs import worker
from safeguard.web.triage_runs.models import FileRecord, JobStatus, TriageJob, TriageWarningRow
from safeguard.web.triage_runs.views.jobs import progress_data

from ..base import make_user
from .helpers import EVIDENCE_ROOT, CaseTestCase


def build_case(root: Path, home: Path) -> Path:
    """Seven pictures (one an identical copy) and a text file; a known-bad CSV set that
    grades pictures 1 and 2 as A and 3 as B."""
    evidence = root / "pictures"
    evidence.mkdir(parents=True)
    for seed in range(1, 7):
        (evidence / f"IMG_{seed:04d}.jpg").write_bytes(picture_bytes(seed))
    (evidence / "copy_of_IMG_0001.jpg").write_bytes(picture_bytes(1))
    (evidence / "notes.txt").write_text("shopping list\n")
    listing = home / "graded.csv"
    home.mkdir(parents=True, exist_ok=True)
    listing.write_text("md5,category\n" + "".join(
        f"{hashlib.md5(picture_bytes(seed)).hexdigest()},{grade}\n"
        for seed, grade in ((1, "A"), (2, "A"), (3, "B"))))
    HashSetStore(home / "hashsets").import_file(listing, "test-bad", "known-bad")
    return evidence


class WorkerTests(CaseTestCase):
    def setUp(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="case-", dir=EVIDENCE_ROOT))
        self.home = Path(tempfile.mkdtemp(prefix="safeguard-home-"))
        self.addCleanup(shutil.rmtree, self.root, True)
        self.addCleanup(shutil.rmtree, self.home, True)
        settings_override = override_settings(HOME=self.home)
        settings_override.enable()
        self.addCleanup(settings_override.disable)
        self.evidence = build_case(self.root, self.home)
        self.pictures = Exhibit.objects.create(
            owning_agency=self.owner_agency, investigation=self.investigation,
            reference="EX-0002", exhibit_type=ExhibitType.USB_STICK,
            evidence_path=str(self.evidence))

    def queue_job(self, **fields: Any) -> TriageJob:
        fields.setdefault("hashsets", ["test-bad"])
        return TriageJob.objects.create(exhibit=self.pictures, requested_by=self.alice,
                                        **fields)

    def work(self) -> int:
        return worker.run_worker(once=True, threads=2, threaded=False, name="test:1")

    def test_it_triages_the_exhibit_and_imports_the_results(self) -> None:
        job = self.queue_job()
        self.assertEqual(self.work(), 1)
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE, job.error)
        self.assertEqual(Path(job.out_dir), self.home / "jobs" / str(job.pk))
        report = json.loads((Path(job.out_dir) / "report.json").read_text())
        summary = report["summary"]
        self.assertEqual(job.summary.files, summary["files"])
        self.assertEqual(job.summary.files, 8)
        self.assertEqual(FileRecord.objects.filter(job=job).count(), summary["files"])
        self.assertEqual(job.summary.categories, summary["categories"])
        self.assertEqual(job.summary.categories["A"]["images"], 3)
        self.assertEqual(job.summary.categories["A"]["unique_images"], 2)
        self.assertEqual(job.summary.unmatched_images, summary["unmatched_images"])
        self.assertEqual(
            FileRecord.objects.filter(job=job, category="A", match="exact").count(), 3)
        self.assertEqual((job.files_done, job.exit_status, job.attempts), (8, 0, 1))
        self.assertIsNotNone(job.started_at)
        self.assertIsNotNone(job.finished_at)
        self.assertEqual(job.summary.hashsets[0]["name"], "test-bad")
        # The case reference goes into the VICS export, as --case-number would.
        vics = json.loads((Path(job.out_dir) / "case.vics.json").read_text())
        self.assertEqual(vics["value"][0]["CaseNumber"], "INV-1")
        # Unmatched pictures each have a near-duplicate group for the review queue.
        unmatched = FileRecord.objects.filter(job=job, file_type="image", match="none")
        self.assertTrue(unmatched.exists())
        self.assertTrue(all(record.group for record in unmatched))

    def test_the_stored_perceptual_options_reach_the_engine(self) -> None:
        """As the form stores them now, and as jobs stored before hold them."""
        from safeguard.triage import PerceptualOptions

        seen: list[PerceptualOptions | None] = []
        real = worker.triage

        def spy(paths: list[str], options: TriageOptions) -> Any:
            seen.append(options.perceptual)
            return real(paths, options)

        with mock.patch.object(worker, "triage", spy):
            for options in ({"perceptual": True, "pdq_distance": 20, "dihedral": False},
                            {"perceptual": True, **PerceptualOptions(distance=12).to_json()},
                            {"perceptual": False, "distance": 12}, {}):
                self.queue_job(options=options)
                self.work()
        self.assertEqual(seen, [PerceptualOptions(distance=20, dihedral=False),
                                PerceptualOptions(distance=12), None, PerceptualOptions()])

    def test_progress_is_written_while_it_runs(self) -> None:
        self.queue_job()
        seen: list[dict[str, object]] = []
        real = queue.heartbeat

        def spy(pk: int, name: str, **progress: object) -> bool:
            seen.append(progress)
            return real(pk, name, **progress)

        with mock.patch.object(queue, "heartbeat", spy):
            self.work()
        stages = [entry["stage"] for entry in seen]
        self.assertEqual(stages[0], "examining")
        self.assertIn("matching", stages)
        self.assertEqual(stages[-1], "importing")
        self.assertEqual(max(int(str(entry["files_done"])) for entry in seen), 8)

    def test_the_job_says_who_examined_its_items(self) -> None:
        job = self.queue_job()
        self.work()
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE, job.error)
        self.assertEqual(job.examined_on, "this machine")
        # Two threads asked for, one process a core at most (this machine may have one).
        self.assertEqual(job.examiners, min(2, os.cpu_count() or 1))
        self.assertRegex(progress_data(job)["examined_by"],
                         r"^\d worker process(es)? on this machine$")

    def test_a_job_runs_on_the_cluster_the_setting_names(self) -> None:
        """A real local Dask scheduler and two one-thread workers (SAFEGUARD_CLUSTER)."""
        local = self.queue_job()
        self.work()
        with local_cluster(workers=2) as cluster, \
                override_settings(TRIAGE_CLUSTER=cluster.address):
            job = self.queue_job()
            self.work()
        job.refresh_from_db()
        local.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE, job.error)
        self.assertEqual((job.examiners, job.examined_on), (2, cluster.address))
        self.assertEqual(progress_data(job)["examined_by"],
                         f"2 worker threads of the cluster {cluster.address}")
        # The same figures as the run on this machine's own cores.
        mine = dict(local.files.values_list("path", "sha1"))
        self.assertEqual(dict(job.files.values_list("path", "sha1")), mine)
        self.assertEqual(len(mine), 8)

    def test_the_queue_is_worked_oldest_first_and_then_the_worker_stops(self) -> None:
        first, second = self.queue_job(), self.queue_job(hashsets=[])
        self.assertEqual(self.work(), 2)
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertLess(first.started_at, second.started_at)
        self.assertEqual(second.summary.categories, {})
        self.assertEqual(self.work(), 0)

    def test_evidence_that_cannot_be_read_fails_the_job_with_the_reason(self) -> None:
        shutil.rmtree(self.evidence)
        job = self.queue_job()
        self.work()
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("The evidence could not be read", job.error)
        self.assertFalse(FileRecord.objects.filter(job=job).exists())

    def test_an_unknown_hash_set_fails_the_job(self) -> None:
        job = self.queue_job(hashsets=["no-such-set"])
        self.work()
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("no-such-set", job.error)

    def test_evidence_moved_out_of_the_evidence_folders_fails_the_job(self) -> None:
        Exhibit.objects.filter(pk=self.pictures.pk).update(evidence_path="/etc")
        job = self.queue_job()
        self.work()
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("SAFEGUARD_EVIDENCE_ROOTS", job.error)

    def test_a_crash_is_recorded_as_a_failure_and_the_worker_goes_on(self) -> None:
        crashing, healthy = self.queue_job(), self.queue_job()
        real = worker.triage
        calls = []

        def crash_once(*args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("reader exploded")
            return real(*args, **kwargs)

        with mock.patch.object(worker, "triage", crash_once):
            self.assertEqual(self.work(), 2)
        crashing.refresh_from_db()
        healthy.refresh_from_db()
        self.assertEqual(crashing.status, JobStatus.FAILED)
        self.assertEqual(crashing.error,
                         "RuntimeError: reader exploded (details in the worker's log)")
        self.assertEqual(healthy.status, JobStatus.DONE)

    def test_a_cancel_stops_the_run(self) -> None:
        job = self.queue_job()
        with mock.patch.object(queue, "cancel_requested", return_value=True):
            self.work()
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.CANCELLED)
        # Stopped during the walk (the engine reports progress from the thread that runs
        # it), not after: no report was written.
        self.assertFalse((Path(job.out_dir) / "report.json").exists())
        self.assertFalse(FileRecord.objects.filter(job=job).exists())
        self.assertFalse(TriageWarningRow.objects.filter(job=job).exists())

    def test_a_job_taken_over_is_let_go(self) -> None:
        job = self.queue_job()
        with mock.patch.object(queue, "heartbeat", return_value=False):
            self.work()
        job.refresh_from_db()
        self.assertEqual((job.status, job.worker), (JobStatus.RUNNING, "test:1"))

    def test_a_stopped_worker_puts_its_job_back_in_the_queue(self) -> None:
        job = self.queue_job()
        with mock.patch.object(worker, "triage", side_effect=KeyboardInterrupt), \
                pytest.raises(KeyboardInterrupt):
            self.work()
        job.refresh_from_db()
        self.assertEqual((job.status, job.worker), (JobStatus.QUEUED, ""))

    def test_a_killed_workers_job_is_resumed_from_its_journal(self) -> None:
        job = self.queue_job()
        out_dir = self.home / "jobs" / str(job.pk)
        # The killed worker had finished the walk (its journal holds every file) but
        # never reported back: its heartbeat went stale.
        triage([str(self.evidence)], TriageOptions(out_dir=out_dir, workers=2))
        stale = timezone.now() - queue.STALE_AFTER * 2
        TriageJob.objects.filter(pk=job.pk).update(
            status=JobStatus.RUNNING, worker="dead:99", heartbeat_at=stale, attempts=1,
            out_dir=str(out_dir))
        self.assertEqual(self.work(), 1)
        job.refresh_from_db()
        self.assertEqual((job.status, job.attempts, job.worker), (JobStatus.DONE, 2, "test:1"))
        runs = [json.loads(line) for line in (out_dir / "runs.jsonl").read_text().splitlines()]
        self.assertEqual(runs[-1]["resumed"], True)
        self.assertEqual((runs[-1]["examined"], runs[-1]["skipped"]), (0, 8))
        self.assertEqual(job.summary.categories["A"]["images"], 3)

    def test_the_command_processes_the_queue_once(self) -> None:
        from safeguard.cli.serve import worker as worker_command

        job = self.queue_job()
        with mock.patch.object(worker, "default_threads", return_value=2):
            result = CliRunner().invoke(worker_command, ["--once"])
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("1 job(s) processed.", result.output)
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE)


@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_progress_from_its_own_thread_when_it_can(
        tmp_path: Path, evidence_folder: Path) -> None:
    """On PostgreSQL (and SQLite on disk) the monitor thread writes the progress and the
    heartbeat on its own connection; with SQLite in memory the triage thread does."""
    from django.db import connection

    from safeguard.web.accounts.models import Agency, AgencyKind, Role
    from safeguard.web.investigations.models import Investigation
    from safeguard.web.triage_runs.monitor import JobMonitor

    evidence = build_case(evidence_folder, tmp_path)
    agency = Agency.objects.create(name="Police (threads)", kind=AgencyKind.POLICE)
    user = make_user("examiner", agency, Role.FORENSIC_EXAMINER)
    investigation = Investigation.objects.create(
        owning_agency=agency, reference="T-1", title="t", opened_on=timezone.now().date())
    exhibit = Exhibit.objects.create(
        owning_agency=agency, investigation=investigation, reference="EX-0001",
        exhibit_type=ExhibitType.OTHER, evidence_path=str(evidence))
    job = TriageJob.objects.create(exhibit=exhibit, requested_by=user,
                                   hashsets=["test-bad"])
    with override_settings(HOME=tmp_path):
        assert worker.run_worker(once=True, threads=2, name="thread:1") == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.summary.categories["B"]["images"] == 1
    expected_threaded = not (connection.vendor == "sqlite" and connection.is_in_memory_db())
    assert JobMonitor(job.pk, "x").threaded is expected_threaded
