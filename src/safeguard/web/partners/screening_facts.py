"""Concern reports from businesses as screening facts (safeguarding.suggestions).

A report from a hotel, a taxi firm or a takeaway that names a child on the register is
the signal the brief's training of those businesses is for: it suggests the screening
indicator about hotels, taxis and takeaways. Reports are police-only (access.py), so only
police users see this fact, and only in reports their agency may open.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse

from ..core import formats
from ..core.clock import local_date
from ..core.policy import is_police, signed_in_user, visible_to
from ..safeguarding.models import Child
from ..safeguarding.suggestions import Fact
from .models import ConcernReport, Sector

PLACES = (Sector.HOTEL, Sector.TAXI, Sector.TAKEAWAY)


def concern_report_facts(request: HttpRequest, child: Child, since: date) -> Iterable[Fact]:
    if not is_police(signed_in_user(request)):
        return
    reports = visible_to(request, ConcernReport).filter(
        child_links__child=child, received_at__date__gte=since,
    ).filter(Q(business__sector__in=PLACES) | Q(places__business__sector__in=PLACES)).distinct()
    for report in reports.select_related("business").order_by("-received_at"):
        where = f" from {report.business.get_sector_display().lower()}" if report.business else ""
        yield Fact("concern-report-place",
                   f"Concern report{where} of {formats.day(report.received_at)} names the child",
                   local_date(report.received_at),
                   reverse("partners:concern_detail", args=[report.pk]))
