"""Exhibits: the seized devices. Opening one asks for a reason (DPA s62): the reason then
covers the exhibit's triage and review pages too, which other apps add to its page
(EXHIBIT_PANELS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse

from ... import audit
from ...audit.models import Action
from ...core.audit_pages.justification import require_justification
from ...core.policy import get_object_for, require_section, signed_in_user, visible_to
from ..access import EDITOR_ROLES, can_edit
from ..forms import ExhibitForm
from ..models import Exhibit, Investigation
from .common import create_page, edit_page

# Sections other apps add to the exhibit page, in order: the triage runs' results, review
# and runs (triage_runs renders review's own block, review/_exhibit_panel.html, inside).
EXHIBIT_PANELS = ["triage_runs/_exhibit_panels.html"]


def exhibit_list(request: HttpRequest) -> HttpResponse:
    require_section(request, "investigations")
    exhibits = visible_to(request, Exhibit).select_related("investigation", "seized_by")
    exhibit_type = request.GET.get("type", "")
    if exhibit_type:
        exhibits = exhibits.filter(exhibit_type=exhibit_type)
    audit.record(request, Action.VIEW, list="exhibits", type=exhibit_type)
    return render(request, "investigations/exhibit_list.html", {
        "exhibits": exhibits[:500], "exhibit_type": exhibit_type})


def exhibit_create(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = get_object_for(request, Investigation, pk, need="write", roles=EDITOR_ROLES)
    user = signed_in_user(request)
    form = ExhibitForm(request.POST or None, investigation=investigation,
                       initial={"seized_by": user.pk})
    return create_page(request, form, title=f"New exhibit for {investigation}",
                       detail="investigations:exhibit_detail",
                       cancel=reverse("investigations:investigation_detail",
                                      args=[investigation.pk]),
                       investigation=investigation,
                       owning_agency=investigation.owning_agency)


def exhibit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    exhibit = get_object_for(request, Exhibit, pk, need="write", roles=EDITOR_ROLES)
    if (asked := require_justification(request, exhibit)) is not None:
        return asked
    form = ExhibitForm(request.POST or None, instance=exhibit,
                       investigation=exhibit.investigation)
    return edit_page(request, exhibit, form, detail="investigations:exhibit_detail",
                     view_recorded=True)


def exhibit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exhibit = get_object_for(request, Exhibit, pk)
    if (asked := require_justification(request, exhibit)) is not None:
        return asked
    audit.record(request, Action.VIEW, exhibit)
    return render(request, "investigations/exhibit_detail.html",
                  exhibit_context(request, exhibit))


def exhibit_context(request: HttpRequest, exhibit: Exhibit,
                    **extra: Any) -> dict[str, Any]:
    """The exhibit page's context; `extra` goes to the panels (a refused "Run triage"
    form comes back in it as `triage_form`)."""
    user = signed_in_user(request)
    return {
        "exhibit": exhibit,
        "may_edit": can_edit(user, exhibit),
        "evidence_present": Path(exhibit.evidence_path).exists(),
        "panels": exhibit_panels(),
        **extra,
    }


def exhibit_panels() -> list[str]:
    """The panels other apps add to the exhibit page, those installed: templates named
    here, so that this app imports none of them (they import investigations)."""
    found = []
    for name in EXHIBIT_PANELS:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return found
