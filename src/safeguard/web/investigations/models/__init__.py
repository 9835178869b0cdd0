"""The investigations models, one module per concept (docs/web.md, "Investigations")."""

from .cases import Investigation, InvestigationStatus, Operation, OperationStatus, Suspect
from .exhibits import Exhibit, ExhibitType, check_evidence_path
from .jobs import FINISHED, JobStage, JobStatus, TriageJob
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
    "Exhibit",
    "ExhibitType",
    "FileRecord",
    "FileType",
    "Investigation",
    "InvestigationStatus",
    "JobStage",
    "JobStatus",
    "MatchKind",
    "Operation",
    "OperationStatus",
    "Suspect",
    "TriageJob",
    "TriageSummary",
    "TriageWarningRow",
    "check_evidence_path",
    "review_queue",
]
