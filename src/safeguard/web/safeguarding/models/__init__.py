"""The register's models, one module per concept."""

from .adults import AdultOfConcern, Arrest, ArrestOutcome
from .areas import Area
from .children import (
    IN_CARE_S49,
    LOOKED_AFTER,
    AgencyInvolvement,
    Child,
    Ethnicity,
    LegalStatus,
    LinkedPerson,
    Placement,
    Relationship,
)
from .common import Gender, Recorded, RiskGrade
from .harms import (
    DETAILS,
    Concern,
    ConcernStatus,
    CriminalExploitationDetail,
    CseDetail,
    Decision,
    FgmDetail,
    ForcedMarriageDetail,
    HarmKind,
    HonourBasedDetail,
    ProtectionOrder,
    TraffickingDetail,
    TraffickingType,
)
from .missing import EpisodeType, InterviewStatus, MissingEpisode, MissingFrom
from .notices import NoticeBreach, NoticeChild, NoticeStatus, WarningNotice
from .panels import PanelAction, PanelAttendee, PanelDiscussion, PanelMeeting
from .referrals import Outcome, Rag, Referral
from .risk import Indicator, RiskAssessment, ScreeningTool

__all__ = [
    "DETAILS", "IN_CARE_S49", "LOOKED_AFTER", "AdultOfConcern", "AgencyInvolvement", "Area",
    "Arrest", "ArrestOutcome", "Child", "Concern", "ConcernStatus", "CriminalExploitationDetail",
    "CseDetail", "Decision", "EpisodeType", "Ethnicity", "FgmDetail", "ForcedMarriageDetail",
    "Gender", "HarmKind", "HonourBasedDetail", "Indicator", "InterviewStatus", "LegalStatus",
    "LinkedPerson", "MissingEpisode", "MissingFrom", "NoticeBreach", "NoticeChild",
    "NoticeStatus", "Outcome", "PanelAction", "PanelAttendee", "PanelDiscussion",
    "PanelMeeting", "Placement", "ProtectionOrder", "Rag", "Recorded", "Referral",
    "Relationship", "RiskAssessment", "RiskGrade", "ScreeningTool", "TraffickingDetail",
    "TraffickingType", "WarningNotice",
]
