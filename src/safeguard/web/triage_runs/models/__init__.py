"""Triage runs: the job (the run queue's row) and what a finished run imported (docs/web.md,
"Triage runs")."""

from .jobs import FINISHED, JobStage, JobStatus, TriageJob, latest_done_job
from .results import (
    MEDIA_TYPES,
    FileRecord,
    FileType,
    MatchKind,
    TriageSummary,
    TriageWarningRow,
    review_queue,
)

__all__ = [
    "FINISHED",
    "MEDIA_TYPES",
    "FileRecord",
    "FileType",
    "JobStage",
    "JobStatus",
    "MatchKind",
    "TriageJob",
    "TriageSummary",
    "TriageWarningRow",
    "latest_done_job",
    "review_queue",
]
