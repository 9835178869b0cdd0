"""The database queue: one job to one worker, oldest first; stale jobs taken over."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.investigations.models import Exhibit, ExhibitType, Investigation
from safeguard.web.triage_runs import run_queue as queue
from safeguard.web.triage_runs.models import JobStatus, TriageJob

from ..base import make_user
from .helpers import CaseTestCase


class ClaimTests(CaseTestCase):
    def queue_jobs(self, count: int) -> list[TriageJob]:
        return [TriageJob.objects.create(exhibit=self.exhibit) for _ in range(count)]

    def test_it_claims_the_oldest_job_and_marks_it_running(self) -> None:
        first, second = self.queue_jobs(2)
        claim = queue.claim_next("w:1")
        assert claim is not None
        self.assertEqual(claim.job.pk, first.pk)
        self.assertEqual((claim.job.status, claim.job.worker, claim.job.attempts),
                         (JobStatus.RUNNING, "w:1", 1))
        self.assertIsNotNone(claim.job.heartbeat_at)
        self.assertFalse(claim.resumed)
        other = queue.claim_next("w:2")
        assert other is not None
        self.assertEqual(other.job.pk, second.pk)
        self.assertIsNone(queue.claim_next("w:3"))

    def test_a_job_running_with_a_fresh_heartbeat_is_left_alone(self) -> None:
        (job,) = self.queue_jobs(1)
        self.assertIsNotNone(queue.claim_next("w:1"))
        self.assertIsNone(queue.claim_next("w:2"))
        self.assertTrue(queue.heartbeat(job.pk, "w:1", files_done=3))
        self.assertFalse(queue.heartbeat(job.pk, "w:2", files_done=3))

    def test_a_stale_job_is_taken_over_and_resumed(self) -> None:
        (job,) = self.queue_jobs(1)
        queue.claim_next("w:1")
        TriageJob.objects.filter(pk=job.pk).update(
            heartbeat_at=timezone.now() - dt.timedelta(minutes=5))
        claim = queue.claim_next("w:2")
        assert claim is not None
        self.assertEqual((claim.job.pk, claim.job.worker, claim.job.attempts),
                         (job.pk, "w:2", 2))
        self.assertTrue(claim.resumed)
        # The first worker, should it wake, finds the job is no longer its own.
        self.assertFalse(queue.heartbeat(job.pk, "w:1"))

    def test_a_job_that_keeps_killing_its_worker_is_failed(self) -> None:
        (job,) = self.queue_jobs(1)
        TriageJob.objects.filter(pk=job.pk).update(
            status=JobStatus.RUNNING, worker="w:1", attempts=queue.MAX_ATTEMPTS,
            heartbeat_at=timezone.now() - dt.timedelta(minutes=5))
        self.assertIsNone(queue.claim_next("w:2"))
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("stopped 3 times", job.error)

    def test_cancelled_and_finished_jobs_are_not_claimed(self) -> None:
        cancelled, running = self.queue_jobs(2)
        self.assertTrue(queue.cancel(cancelled))
        TriageJob.objects.filter(pk=running.pk).update(
            status=JobStatus.RUNNING, cancel_requested=True,
            heartbeat_at=timezone.now() - dt.timedelta(minutes=5))
        self.assertIsNone(queue.claim_next("w:1"))

    def test_only_the_holder_finishes_or_releases_a_job(self) -> None:
        (job,) = self.queue_jobs(1)
        queue.claim_next("w:1")
        self.assertFalse(queue.finish(job.pk, "w:2", JobStatus.DONE))
        self.assertFalse(queue.release(job.pk, "w:2"))
        self.assertTrue(queue.release(job.pk, "w:1"))
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.QUEUED)


WORKERS = 6
JOBS = 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_take_the_same_job() -> None:
    """Six threads, each its own connection, claim from one queue of forty jobs at once:
    SELECT ... FOR UPDATE SKIP LOCKED hands each job to exactly one of them."""
    assert connection.vendor == "postgresql"
    agency = Agency.objects.create(name="Police (queue)", kind=AgencyKind.POLICE)
    make_user("examiner", agency, Role.FORENSIC_EXAMINER)
    investigation = Investigation.objects.create(
        owning_agency=agency, reference="Q-1", title="q", opened_on=dt.date(2026, 11, 1))
    exhibit = Exhibit.objects.create(
        owning_agency=agency, investigation=investigation, reference="EX-0001",
        exhibit_type=ExhibitType.OTHER, evidence_path="/nowhere")
    TriageJob.objects.bulk_create(TriageJob(exhibit=exhibit) for _ in range(JOBS))
    start = threading.Barrier(WORKERS)
    claimed: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        name = f"w:{n}"
        mine = claimed.setdefault(name, [])
        try:
            start.wait()
            while (claim := queue.claim_next(name)) is not None:
                mine.append(claim.job.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    every = [pk for pks in claimed.values() for pk in pks]
    assert len(every) == JOBS
    assert len(set(every)) == JOBS
    assert sum(1 for pks in claimed.values() if pks) > 1, claimed
    holders = dict(TriageJob.objects.values_list("pk", "worker"))
    for name, pks in claimed.items():
        assert all(holders[pk] == name for pk in pks)
