"""`safeguard worker`: claim queued triage jobs, run the engine, import the results.

    run_worker(once=True)      # process what is queued, then return (tests, cron)

One job at a time per worker process; run several workers for several jobs at once (the
run queue hands each job to one of them: run_queue.py). Each job writes into
$SAFEGUARD_HOME/jobs/<job id>/. A worker killed in the middle leaves the job `running`
with a heartbeat that goes stale; after `stale_after` the next worker takes the job over
and passes resume=True to the engine, which skips the files its journal already holds.
A worker stopped with Ctrl-C or SIGTERM puts its job back in the queue itself.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from safeguard.triage import (
    ExitStatus,
    HashSet,
    HashSetStore,
    Journal,
    PerceptualOptions,
    SafeguardError,
    TriageOptions,
    triage,
)

from ..investigations.models import check_evidence_path
from . import run_queue
from .importer import clear_results, import_run
from .models import JobStage, JobStatus, TriageJob
from .models.jobs import default_out_dir
from .monitor import JobCancelled, JobLost, JobMonitor

log = logging.getLogger("safeguard.worker")

DEFAULT_POLL_SECONDS = 2.0


def hashset_store() -> HashSetStore:
    return HashSetStore(Path(settings.HOME) / "hashsets")


def hashset_choices() -> list[tuple[str, str]]:
    """The store's sets, for the "Run triage" form."""
    return [
        (info.name, f"{info.name} ({info.kind}, {info.format}, {info.entries:,} entries)")
        for info in hashset_store().list()
    ]


def default_threads() -> int:
    return (os.cpu_count() or 1) + 1


def run_worker(
    *,
    once: bool = False,
    poll: float = DEFAULT_POLL_SECONDS,
    threads: int | None = None,
    stale_after: timedelta = run_queue.STALE_AFTER,
    name: str | None = None,
    stop: threading.Event | None = None,
    threaded: bool | None = None,
) -> int:
    """Work the queue; return how many jobs this worker finished (any final status).

    `once`: return when no job is left to claim. Otherwise poll every `poll` seconds
    until `stop` is set (or the process is interrupted). `threaded`: see JobMonitor.
    """
    worker = name or run_queue.worker_name()
    stop = stop or threading.Event()
    handled = 0
    log.info("worker %s: watching the triage queue", worker)
    while not stop.is_set():
        if not connection.in_atomic_block:  # (a test's transaction: keep it)
            # A long-lived process: drop connections the server closed or that aged out.
            close_old_connections()
        claim = run_queue.claim_next(worker, stale_after)
        if claim is None:
            if once:
                break
            stop.wait(poll)
            continue
        run_job(claim.job, worker, threads=threads or default_threads(), threaded=threaded)
        handled += 1
    return handled


def run_job(
    job: TriageJob,
    worker: str,
    *,
    threads: int,
    interval: float = 0.5,
    threaded: bool | None = None,
) -> str:
    """Run one claimed job to its end; return the final status."""
    out_dir = Path(job.out_dir) if job.out_dir else default_out_dir(job.pk)
    if not job.out_dir:
        TriageJob.objects.filter(pk=job.pk).update(out_dir=str(out_dir))
    resume = Journal.exists(out_dir)
    log.info("job %s: %s %s (%s)", job.pk, "resuming" if resume else "starting",
             job.exhibit, job.exhibit.evidence_path)
    try:
        with JobMonitor(job.pk, worker, interval=interval, threaded=threaded) as monitor:
            outcome_status, warnings = _triage(job, out_dir, resume, threads, monitor)
            monitor.check()
            if outcome_status == ExitStatus.INPUT:
                reason = "; ".join(warnings[:3]) or "the evidence could not be opened"
                run_queue.finish(job.pk, worker, JobStatus.FAILED, exit_status=outcome_status,
                             error=f"The evidence could not be read: {reason}")
                return JobStatus.FAILED
            monitor.set_stage(JobStage.IMPORTING)
            summary = import_run(job, out_dir)
            monitor.check()
            # The whole run's figures (a resumed attempt counted only what it examined).
            run_queue.finish(job.pk, worker, JobStatus.DONE, exit_status=outcome_status,
                             error="", files_done=summary.files, bytes_done=summary.bytes)
            log.info("job %s: done", job.pk)
            return JobStatus.DONE
    except JobCancelled:
        clear_results(job)
        run_queue.finish(job.pk, worker, JobStatus.CANCELLED,
                         error="Cancelled at a user's request.")
        log.info("job %s: cancelled", job.pk)
        return JobStatus.CANCELLED
    except JobLost:
        log.warning("job %s: taken over by another worker; this worker let it go", job.pk)
        return JobStatus.RUNNING
    except KeyboardInterrupt:
        # Ctrl-C or SIGTERM: back in the queue, to be resumed from the journal.
        run_queue.release(job.pk, worker)
        log.warning("job %s: worker stopped; the job is queued again and will resume", job.pk)
        raise
    except Exception as exc:
        log.error("job %s failed:\n%s", job.pk, traceback.format_exc())
        clear_results(job)
        run_queue.finish(job.pk, worker, JobStatus.FAILED, error=failure_message(exc))
        return JobStatus.FAILED


def _triage(
    job: TriageJob, out_dir: Path, resume: bool, threads: int, monitor: JobMonitor
) -> tuple[int, list[str]]:
    evidence = check_evidence_path(job.exhibit.evidence_path)
    store = hashset_store()
    opened: list[HashSet] = []
    try:
        for name in job.hashsets:
            opened.append(store.open(str(name)))
        options = job.options or {}
        # {"perceptual": on or off, **PerceptualOptions.to_json()} (forms.py)
        perceptual = (
            PerceptualOptions.from_json(options) if options.get("perceptual", True) else None
        )
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        outcome = triage(
            [str(evidence)],
            TriageOptions(
                out_dir=out_dir,
                hashsets=opened,
                workers=threads,
                resume=resume,
                case_number=job.exhibit.investigation.reference,
                progress=monitor,
                perceptual=perceptual,
                cluster=settings.TRIAGE_CLUSTER,
            ),
        )
    finally:
        for hashset in opened:
            hashset.close()
    if outcome.status == ExitStatus.INPUT:
        return outcome.status, [f"{w.stage}: {w.message}" for w in outcome.warnings]
    return outcome.status, []


def failure_message(exc: BaseException) -> str:
    """For a person: the engine's own messages are written for one; anything else is
    named by its type (the traceback is in the worker's log)."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, SafeguardError):
        return str(exc)
    return f"{type(exc).__name__}: {exc} (details in the worker's log)"

