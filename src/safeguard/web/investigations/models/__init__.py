"""The investigations models, one module per concept (docs/web.md, "Investigations"):
operations, investigations and suspects (cases.py), exhibits (exhibits.py), suspects'
arrests and charges (outcomes.py). An exhibit's triage runs are the triage_runs app's."""

from .cases import Investigation, InvestigationStatus, Operation, OperationStatus, Suspect
from .exhibits import Exhibit, ExhibitType, check_evidence_path
from .outcomes import SuspectOutcome, SuspectOutcomeKind

__all__ = [
    "Exhibit",
    "ExhibitType",
    "Investigation",
    "InvestigationStatus",
    "Operation",
    "OperationStatus",
    "Suspect",
    "SuspectOutcome",
    "SuspectOutcomeKind",
    "check_evidence_path",
]
