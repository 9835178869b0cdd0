"""Triage jobs: a database-backed run queue (triage_runs/run_queue.py) worked by
`safeguard worker` (triage_runs/worker.py).

A job's rights are its exhibit's: it has no owning agency of its own, and every view
asks the policy about the exhibit (triage_runs/access.py).

The table kept its first name (`investigations_triagejob`) when triage runs became their
own app: the move changed no row (migrations investigations 0002, triage_runs 0001).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q

from ...investigations.models import Exhibit


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class JobStage(models.TextChoices):
    """What a running job is doing, for the progress page."""

    WAITING = "", "Waiting"
    EXAMINING = "examining", "Reading and hashing files"
    MATCHING = "matching", "Matching and writing reports"
    IMPORTING = "importing", "Importing the results"


class TriageJob(models.Model):
    exhibit = models.ForeignKey(Exhibit, on_delete=models.PROTECT, related_name="triage_jobs")
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(max_length=16, choices=JobStage.choices, default=JobStage.WAITING,
                             blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # The names of the hash sets (HashSetStore) to match against, in priority order.
    hashsets = models.JSONField(default=list, blank=True)
    # {"perceptual": bool, **PerceptualOptions.to_json()}: perceptual hashing on or off, and
    # the engine's options as it writes them ("distance", "dihedral", "video_fraction");
    # jobs stored before hold "pdq_distance", which PerceptualOptions.from_json reads too.
    options = models.JSONField(default=dict, blank=True)
    # Progress of the current attempt (the engine counts only the files it examines, so a
    # resumed attempt starts again from zero while skipping the finished files).
    files_done = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    bytes_total = models.BigIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker holding the job ("host:pid") and when it last said it was alive: a job
    # whose heartbeat is stale is taken over and resumed from its journal.
    worker = models.CharField(max_length=200, blank=True)
    # Who examines the items (the engine's ProgressSink.workers): how many worker
    # processes or cluster threads, and where ("this machine" or the cluster's address).
    examiners = models.PositiveIntegerField(null=True, blank=True)
    examined_on = models.CharField(max_length=300, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    # The engine's exit status: 0 ok, 3 evidence unreadable, 4 finished with warnings.
    exit_status = models.IntegerField(null=True, blank=True)
    # The run folder ($SAFEGUARD_HOME/jobs/<id>/): journal, report.json, files.csv...
    out_dir = models.CharField(max_length=1024, blank=True)

    class Meta:
        db_table = "investigations_triagejob"
        ordering = ["-requested_at", "-pk"]
        indexes = [
            # The queue: the oldest claimable job first.
            models.Index(fields=["status", "requested_at"], name="triagejob_queue"),
            models.Index(fields=["exhibit", "status", "finished_at"], name="triagejob_exhibit"),
        ]

    def __str__(self) -> str:
        return f"Triage {self.pk} of {self.exhibit}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def run_folder(self) -> Path:
        return Path(self.out_dir) if self.out_dir else default_out_dir(self.pk)

    @property
    def elapsed_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        from django.utils import timezone

        end = self.finished_at or timezone.now()
        return max((end - self.started_at).total_seconds(), 0.0)


def default_out_dir(pk: int) -> Path:
    return Path(settings.HOME) / "jobs" / str(pk)


def latest_done_job(exhibit: Exhibit) -> TriageJob | None:
    """The newest finished triage of an exhibit: the one whose results count."""
    return (
        TriageJob.objects.filter(exhibit=exhibit, status=JobStatus.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def claimable(stale_before: object) -> Q:
    """Queued jobs, and running jobs whose worker stopped sending heartbeats."""
    return Q(status=JobStatus.QUEUED) | Q(
        status=JobStatus.RUNNING, heartbeat_at__lt=stale_before
    )
