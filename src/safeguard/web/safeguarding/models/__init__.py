"""The register's models, one module per concept."""

from .adults import AdultOfConcern, Arrest, ArrestOutcome
from .children import (
    CONNECTED_PERSONS,
    IN_CARE_S49,
    LOOKED_AFTER,
    AgencyInvolvement,
    Child,
    Ethnicity,
    LegalStatus,
    LegalStatusChange,
    LinkedPerson,
    Placement,
    Relationship,
    in_work,
)
from .common import Gender, RiskGrade
from .harms import (
    DETAILS,
    Concern,
    ConcernStatus,
    CriminalExploitationDetail,
    CseDetail,
    Decision,
    FgmCase,
    FgmDetail,
    FgmHowKnown,
    ForcedMarriageDetail,
    HarmKind,
    HonourBasedDetail,
    ProtectionOrder,
    ReporterProfession,
    TraffickingDetail,
    TraffickingType,
)
from .missing import EpisodeType, InterviewStatus, MissingEpisode, MissingFrom
from .notices import NoticeBreach, NoticeChild, NoticeStatus, WarningNotice
from .one_child import AccessRequest, AccessStatus, ChildMerge
from .panels import PanelAction, PanelAttendee, PanelDiscussion, PanelMeeting
from .referrals import ConferenceOutcome, Outcome, Rag, Referral, S47Outcome
from .risk import Indicator, RiskAssessment, ScreeningTool
from .tasks import Task, TaskEvent, TaskKind, TaskStatus

__all__ = [
    "CONNECTED_PERSONS", "DETAILS", "IN_CARE_S49", "LOOKED_AFTER", "AccessRequest",
    "AccessStatus", "AdultOfConcern",
    "AgencyInvolvement", "Arrest", "ArrestOutcome", "Child", "ChildMerge", "Concern",
    "ConcernStatus",
    "ConferenceOutcome", "CriminalExploitationDetail", "CseDetail", "Decision", "EpisodeType",
    "Ethnicity", "FgmCase", "FgmDetail", "FgmHowKnown", "ForcedMarriageDetail", "Gender",
    "HarmKind", "HonourBasedDetail", "Indicator", "InterviewStatus", "LegalStatus",
    "LegalStatusChange", "LinkedPerson", "MissingEpisode", "MissingFrom", "NoticeBreach",
    "NoticeChild", "NoticeStatus", "Outcome", "PanelAction", "PanelAttendee", "PanelDiscussion",
    "PanelMeeting", "Placement", "ProtectionOrder", "Rag", "Referral", "Relationship",
    "ReporterProfession", "RiskAssessment", "RiskGrade", "S47Outcome", "ScreeningTool",
    "Task", "TaskEvent", "TaskKind", "TaskStatus",
    "TraffickingDetail", "TraffickingType", "WarningNotice", "in_work"
]
