"""The panel's pack on screen and as a PDF.

Need to know as for the meeting's own page: whoever may open the meeting (the register's
roles, owned or shared) may open its pack, after giving the reason for opening it; the
pack lists only what that person may open, with the police-only parts in a police
member's copy only. Opening the pack records a view event; the PDF an export event, and
a person may make at most PDFS_PER_HOUR of them (each costs seconds of CPU).
"""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import audit
from ..audit.events import session_justification
from ..audit.models import Action
from ..core.audit_pages.justification import require_justification
from ..core.policy import signed_in_user
from ..safeguarding.models import PanelMeeting
from ..safeguarding.need_to_know import open_record
from . import panel_pack, panel_pack_disruption, panel_pack_svg
from .pdf import html_to_pdf
from .views import over_limit

PDFS_PER_HOUR = 12
PRINT_CSS = (Path(__file__).resolve().parent / "static" / "statistics" / "css"
             / "panel_pack_print.css")


def _context(request: HttpRequest, meeting: PanelMeeting) -> dict[str, object]:
    pack = panel_pack.build(meeting, signed_in_user(request))
    network = pack.network
    assert network is not None
    return {
        "meeting": meeting, "pack": pack, "network": network,
        "network_svg": panel_pack_svg.render(
            network, f"Network around the children and adults on the agenda of {meeting}"),
        "hotspots": network.hotspots(),
        "disruption_columns": panel_pack_disruption.COLUMNS,
        "max_nodes": panel_pack.panel_pack_network.MAX_NODES,
        "first_days": panel_pack.FIRST_MEETING_DAYS,
        "produced": timezone.localtime(),
    }


def _open(request: HttpRequest, pk: int) -> tuple[PanelMeeting, HttpResponse | None]:
    meeting = open_record(request, PanelMeeting, pk)
    return meeting, require_justification(request, meeting)


def pack(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, asked = _open(request, pk)
    if asked is not None:
        return asked
    context = _context(request, meeting)
    audit.record(request, Action.VIEW, meeting, session_justification(request, meeting),
                 page="panel pack")
    return render(request, "statistics/panel_pack.html", context)


@require_POST
def pack_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, asked = _open(request, pk)
    if asked is not None:
        return asked
    if (refused := over_limit("panel-pack", signed_in_user(request), PDFS_PER_HOUR,
                              "packs")):
        return refused
    html = print_html(request, meeting)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = f"panel-pack-{meeting.held_on:%Y-%m-%d}-{meeting.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    audit.record(request, Action.EXPORT, meeting, session_justification(request, meeting),
                 page="panel pack", format="pdf")
    return response


def print_html(request: HttpRequest, meeting: PanelMeeting) -> str:
    """The pack as one self-contained HTML document (its stylesheet inline) for print."""
    context = _context(request, meeting)
    context["css"] = PRINT_CSS.read_text(encoding="utf-8")
    return render_to_string("statistics/panel_pack_print.html", context)
