"""The run queue: TriageJob rows in the database, no extra server (the platform's other
queues are people's work: review's image queue, intelligence's work queue, partners'
concern queue).

A worker claims one job at a time, atomically, so that two workers never take the same:

- PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` picks the oldest claimable row that no
  other transaction holds, and the same transaction marks it running. A second worker
  skips the locked row and takes the next one, without waiting.
- SQLite: one statement, `UPDATE ... WHERE id = (SELECT ... LIMIT 1) AND <claimable>
  RETURNING id`. SQLite runs one writer at a time and a statement is atomic, so the row
  is re-checked and changed under the write lock; a worker that lost the race gets no row.

Claimable: queued, or running with a heartbeat older than `stale_after` (its worker was
killed): that job is taken over and resumed from its journal. A job taken over
MAX_ATTEMPTS times is marked failed instead, so that evidence that kills the worker
cannot loop forever.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import JobStage, JobStatus, TriageJob
from .models.jobs import claimable

MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(seconds=120)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claim:
    job: TriageJob
    resumed: bool  # taken over from a worker that stopped


def claim_next(worker: str, stale_after: timedelta = STALE_AFTER) -> Claim | None:
    """Take the oldest claimable job for `worker`, or None when the queue is empty."""
    fail_exhausted(stale_after)
    now = timezone.now()
    stale_before = now - stale_after
    if connection.vendor == "postgresql":
        pk = _claim_postgresql(worker, now, stale_before)
    else:
        pk = _claim_sqlite(worker, now, stale_before)
    if pk is None:
        return None
    job = TriageJob.objects.select_related("exhibit", "exhibit__investigation").get(pk=pk)
    return Claim(job, resumed=job.attempts > 1)


def _claim_postgresql(worker: str, now: datetime, stale_before: datetime) -> int | None:
    with transaction.atomic():
        job = (
            TriageJob.objects.select_for_update(skip_locked=True)
            .filter(claimable(stale_before), cancel_requested=False)
            .order_by("requested_at", "pk")
            .first()
        )
        if job is None:
            return None
        TriageJob.objects.filter(pk=job.pk).update(
            attempts=F("attempts") + 1, **_claimed(worker, now)
        )
        return job.pk


def _claim_sqlite(worker: str, now: datetime, stale_before: datetime) -> int | None:
    table = connection.ops.quote_name(TriageJob._meta.db_table)
    where = "(status = %s OR (status = %s AND heartbeat_at < %s)) AND NOT cancel_requested"
    sql = (
        f"UPDATE {table} SET status = %s, stage = %s, worker = %s, heartbeat_at = %s, "
        "started_at = %s, files_done = 0, bytes_done = 0, bytes_total = NULL, "
        "attempts = attempts + 1 "
        f"WHERE id = (SELECT id FROM {table} WHERE {where} ORDER BY requested_at, id LIMIT 1) "
        f"AND {where} RETURNING id"
    )
    adapt = connection.ops.adapt_datetimefield_value
    condition = [JobStatus.QUEUED, JobStatus.RUNNING, adapt(stale_before)]
    params = [JobStatus.RUNNING, JobStage.WAITING, worker, adapt(now), adapt(now),
              *condition, *condition]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _claimed(worker: str, now: datetime) -> dict[str, object]:
    return {
        "status": JobStatus.RUNNING,
        "stage": JobStage.WAITING,
        "worker": worker,
        "heartbeat_at": now,
        "started_at": now,
        "files_done": 0,
        "bytes_done": 0,
        "bytes_total": None,
    }


def fail_exhausted(stale_after: timedelta = STALE_AFTER) -> int:
    """Mark failed the stale running jobs already tried MAX_ATTEMPTS times."""
    now = timezone.now()
    return TriageJob.objects.filter(
        status=JobStatus.RUNNING,
        heartbeat_at__lt=now - stale_after,
        attempts__gte=MAX_ATTEMPTS,
    ).update(
        status=JobStatus.FAILED,
        finished_at=now,
        error=f"The worker stopped {MAX_ATTEMPTS} times while running this job "
        "(killed, or out of memory); it was not tried again.",
    )


def heartbeat(job_pk: int, worker: str, **progress: object) -> bool:
    """Record that `worker` still runs the job (with its progress); False when the job is
    no longer this worker's (taken over after a stale heartbeat)."""
    updated = TriageJob.objects.filter(
        pk=job_pk, worker=worker, status=JobStatus.RUNNING
    ).update(heartbeat_at=timezone.now(), **progress)
    return updated == 1


def cancel_requested(job_pk: int) -> bool:
    return TriageJob.objects.filter(pk=job_pk, cancel_requested=True).exists()


def cancel(job: TriageJob) -> bool:
    """Cancel a queued job at once, or ask the worker to stop a running one. False when
    the job had already finished."""
    now = timezone.now()
    if TriageJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.CANCELLED, cancel_requested=True, finished_at=now
    ):
        return True
    return bool(
        TriageJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            cancel_requested=True
        )
    )


def finish(job_pk: int, worker: str, status: str, **fields: object) -> bool:
    """Set the final status of the job this worker holds."""
    return bool(
        TriageJob.objects.filter(pk=job_pk, worker=worker, status=JobStatus.RUNNING).update(
            status=status, finished_at=timezone.now(), stage=JobStage.WAITING, **fields
        )
    )


def release(job_pk: int, worker: str) -> bool:
    """Put a job this worker was stopped in the middle of back in the queue: the next
    worker resumes it from its journal."""
    return bool(
        TriageJob.objects.filter(pk=job_pk, worker=worker, status=JobStatus.RUNNING).update(
            status=JobStatus.QUEUED, worker="", heartbeat_at=None, stage=JobStage.WAITING
        )
    )
