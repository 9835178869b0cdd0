"""Recording a suspect's arrest or charge: written by those who may edit the suspect, audited
against the suspect (the record is part of it), and counted per operation by the
statistics (statistics/operations.py)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ... import audit
from ...audit.models import Action
from ...core.audit_pages.justification import require_justification
from ...core.policy import get_object_for, signed_in_user
from ..access import EDITOR_ROLES
from ..models import Suspect
from ..outcome_forms import SuspectOutcomeForm


def outcome_create(request: HttpRequest, pk: int) -> HttpResponse:
    suspect = get_object_for(request, Suspect, pk, need="write", roles=EDITOR_ROLES)
    # The page names the person: a look like the suspect's own page, with its reason.
    if (asked := require_justification(request, suspect)) is not None:
        return asked
    form = SuspectOutcomeForm(request.POST or None, suspect=suspect)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            outcome = form.save(commit=False)
            outcome.suspect = suspect
            outcome.recorded_by = signed_in_user(request)
            outcome.save()
            audit.record(request, Action.UPDATE, suspect, outcome=outcome.pk,
                         investigation=outcome.investigation_id, fields=form.changed_data)
        return redirect("investigations:suspect_detail", pk=suspect.pk)
    if request.method != "POST":
        audit.record(request, Action.VIEW, suspect, page="arrest or charge form")
    return render(request, "investigations/form.html", {
        "form": form, "title": f"Record an arrest or charge: {suspect}",
        "cancel": reverse("investigations:suspect_detail", args=[suspect.pk])})
