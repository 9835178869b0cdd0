"""Sharing a business, a licensed driver or a training session with another agency (a
council's licensing team, another force running the same scheme), with a reason, and
ending the share: the platform's sharing pages (web/sharing.py). Concern reports are
police-only and are not shared from here."""

from __future__ import annotations

from ...core.sharing import SharingPages
from ..access import open_record
from ..models import Business, LicensedDriver, TrainingSession

PAGES = SharingPages(
    namespace="partners",
    template="partners/shares.html",
    kinds={
        "business": (Business, "partners:business_detail"),
        "session": (TrainingSession, "partners:session_detail"),
        "driver": (LicensedDriver, "partners:driver_detail"),
    },
    open_record=lambda request, model, pk: open_record(request, model, pk, need="write"),
    note="The agency reads this record while it is shared with it and never changes it; "
         "an access code is shown once, to whoever issues it, and never again.",
)
