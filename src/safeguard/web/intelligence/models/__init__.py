"""The intelligence models, one module per concept (docs/intelligence.md)."""

from .files import FileHash, file_key
from .protection import (
    BAND_RANK,
    REFERRED_ROLES,
    Assessment,
    Band,
    ChildAtRisk,
    ChildRole,
    ChildStatus,
)
from .referrals import Channel, Referral, ReferralFile
from .sightings import ALL_DISTRICTS, HourlyCount, HourlyPresence, Sighting, SightingImport
from .subjects import (
    DECISION_STATUS,
    OPEN_STATUSES,
    Decision,
    DecisionKind,
    KeptApart,
    Link,
    LinkRule,
    ScoreClock,
    Subject,
    SubjectFile,
    SubjectStatus,
)
from .tokens import ApiToken, new_token, token_digest

__all__ = [
    "ALL_DISTRICTS",
    "BAND_RANK",
    "DECISION_STATUS",
    "OPEN_STATUSES",
    "REFERRED_ROLES",
    "ApiToken",
    "Assessment",
    "Band",
    "Channel",
    "ChildAtRisk",
    "ChildRole",
    "ChildStatus",
    "Decision",
    "DecisionKind",
    "FileHash",
    "HourlyCount",
    "HourlyPresence",
    "KeptApart",
    "Link",
    "LinkRule",
    "Referral",
    "ReferralFile",
    "ScoreClock",
    "Sighting",
    "SightingImport",
    "Subject",
    "SubjectFile",
    "SubjectStatus",
    "file_key",
    "new_token",
    "token_digest",
]
