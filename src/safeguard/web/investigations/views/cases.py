"""Operations and investigations: lists, pages, create and edit forms."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ... import audit
from ...audit.models import Action
from ...core.policy import (
    get_object_for,
    is_police,
    may_open,
    require_section,
    signed_in_user,
    visible_to,
)
from ..access import EDITOR_ROLES, can_create, can_edit, require_police_editor
from ..forms import InvestigationForm, OperationForm
from ..models import Exhibit, Investigation, Operation, Suspect
from .common import create_page, edit_page


def investigation_list(request: HttpRequest) -> HttpResponse:
    user = require_section(request, "investigations")
    investigations = visible_to(request, Investigation).select_related(
        "operation", "officer_in_charge", "owning_agency")
    status = request.GET.get("status", "")
    if status:
        investigations = investigations.filter(status=status)
    audit.record(request, Action.VIEW, list="investigations", status=status)
    return render(request, "investigations/investigation_list.html", {
        "investigations": investigations[:500],
        "status": status,
        "may_create": can_create(user),
    })


def investigation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = get_object_for(request, Investigation, pk)
    user = signed_in_user(request)
    audit.record(request, Action.VIEW, investigation)
    exhibits = visible_to(request, Exhibit).filter(investigation=investigation)
    suspects = visible_to(request, Suspect).filter(investigations=investigation)
    return render(request, "investigations/investigation_detail.html", {
        "investigation": investigation,
        "exhibits": exhibits.select_related("seized_by"),
        "suspects": suspects,
        "may_edit": can_edit(user, investigation),
    })


def investigation_create(request: HttpRequest) -> HttpResponse:
    user = require_police_editor(request)
    assert user.agency is not None
    form = InvestigationForm(request.POST or None, agency=user.agency,
                             initial={"officer_in_charge": user.pk})
    return create_page(request, form, title="New investigation",
                       detail="investigations:investigation_detail",
                       cancel=reverse("investigations:investigation_list"),
                       owning_agency=user.agency)


def investigation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = get_object_for(request, Investigation, pk, need="write", roles=EDITOR_ROLES)
    form = InvestigationForm(request.POST or None, instance=investigation,
                             agency=investigation.owning_agency)
    return edit_page(request, investigation, form, detail="investigations:investigation_detail")


def operation_list(request: HttpRequest) -> HttpResponse:
    user = require_section(request, "investigations")
    operations = visible_to(request, Operation).select_related("lead_officer", "owning_agency")
    audit.record(request, Action.VIEW, list="operations")
    return render(request, "investigations/operation_list.html", {
        "operations": operations[:500], "may_create": can_create(user)})


def operation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    operation = get_object_for(request, Operation, pk)
    user = signed_in_user(request)
    investigations = visible_to(request, Investigation).filter(operation=operation)
    # Adults of concern on the register linked to the operation: a police-only field, so
    # never listed for a partner the operation was shared with, and only to the roles
    # that may open the register (their names are register records: the view row names
    # them). The register's model is reached through the operation's reverse relation:
    # the register points at investigations, never the other way round.
    adults = (list(visible_to(request, operation.adults_of_concern.model)
                   .filter(police_operation=operation))
              if is_police(user) and may_open(user, "register") else [])
    details: dict[str, Any] = {"adults_listed": [a.pk for a in adults]} if adults else {}
    audit.record(request, Action.VIEW, operation, **details)
    return render(request, "investigations/operation_detail.html", {
        "operation": operation,
        "adults": adults,
        "investigations": investigations.select_related("officer_in_charge"),
        "may_edit": can_edit(user, operation),
    })


def operation_create(request: HttpRequest) -> HttpResponse:
    user = require_police_editor(request)
    assert user.agency is not None
    form = OperationForm(request.POST or None, agency=user.agency,
                         initial={"lead_officer": user.pk})
    return create_page(request, form, title="New operation",
                       detail="investigations:operation_detail",
                       cancel=reverse("investigations:operation_list"),
                       owning_agency=user.agency)


def operation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    operation = get_object_for(request, Operation, pk, need="write", roles=EDITOR_ROLES)
    form = OperationForm(request.POST or None, instance=operation,
                         agency=operation.owning_agency)
    return edit_page(request, operation, form, detail="investigations:operation_detail")

