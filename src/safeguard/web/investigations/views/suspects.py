"""Suspects (people of interest): personal data, so opening one asks for a reason."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ... import audit
from ...audit.models import Action
from ...core.audit_pages.justification import require_justification
from ...core.params import record_id
from ...core.policy import get_object_for, require_section, signed_in_user, visible_to
from ..access import EDITOR_ROLES, can_create, can_edit, require_police_editor
from ..forms import SuspectForm
from ..models import Exhibit, Investigation, Suspect
from .common import create_page, edit_page


def suspect_list(request: HttpRequest) -> HttpResponse:
    user = require_section(request, "investigations")
    suspects = visible_to(request, Suspect).select_related("owning_agency")
    audit.record(request, Action.VIEW, list="suspects")
    return render(request, "investigations/suspect_list.html", {
        "suspects": suspects[:500], "may_create": can_create(user)})


def suspect_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suspect = get_object_for(request, Suspect, pk)
    if (asked := require_justification(request, suspect)) is not None:
        return asked
    user = signed_in_user(request)
    audit.record(request, Action.VIEW, suspect)
    investigations = list(visible_to(request, Investigation).filter(suspects=suspect))
    return render(request, "investigations/suspect_detail.html", {
        "suspect": suspect,
        "investigations": investigations,
        # Arrests and charges are part of the suspect's record; the investigation each was
        # made in is named only where the viewer may open it.
        "outcomes": suspect.outcomes.select_related("investigation"),
        "open_investigations": {investigation.pk for investigation in investigations},
        "exhibits": visible_to(request, Exhibit).filter(seized_from_suspect=suspect),
        "may_edit": can_edit(user, suspect),
    })


def suspect_create(request: HttpRequest) -> HttpResponse:
    user = require_police_editor(request)
    assert user.agency is not None
    initial = {}
    if (linked := record_id(request.GET.get("investigation", ""))) is not None:
        initial["investigations"] = [linked]
    form = SuspectForm(request.POST or None, agency=user.agency, initial=initial)
    return create_page(request, form, title="New suspect",
                       detail="investigations:suspect_detail",
                       cancel=reverse("investigations:suspect_list"), owning_agency=user.agency)


def suspect_edit(request: HttpRequest, pk: int) -> HttpResponse:
    suspect = get_object_for(request, Suspect, pk, need="write", roles=EDITOR_ROLES)
    # The form shows the person's details: a look like any other.
    if (asked := require_justification(request, suspect)) is not None:
        return asked
    form = SuspectForm(request.POST or None, instance=suspect, agency=suspect.owning_agency)
    return edit_page(request, suspect, form, detail="investigations:suspect_detail",
                     view_recorded=True)
