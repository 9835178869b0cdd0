"""Partners: businesses, their awareness training, and the concerns they report."""

from .businesses import Business, Sector
from .concerns import (
    AccessCode,
    CodeStatus,
    ConcernAdult,
    ConcernChild,
    ConcernPlace,
    ConcernReport,
    ConcernStatus,
    Outcome,
)
from .licensing import (
    ConcernLicence,
    DriverAttendance,
    LicensedDriver,
    LicensingOutcome,
    LicensingReferral,
    ReferralStatus,
)
from .training import Attendance, TrainingSession

__all__ = [
    "AccessCode", "Attendance", "Business", "CodeStatus", "ConcernAdult", "ConcernChild",
    "ConcernLicence", "ConcernPlace", "ConcernReport", "ConcernStatus", "DriverAttendance",
    "LicensedDriver", "LicensingOutcome", "LicensingReferral", "Outcome", "ReferralStatus",
    "Sector", "TrainingSession",
]
