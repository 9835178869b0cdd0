"""Sharing an investigation record with another agency (another police force taking part,
a partner who needs the figures), with a reason, and ending the share.

The owning force's editors share; the other agency then reads the record, never changes
it. An exhibit shared discloses its triage figures, never its pictures (review/access.py).
Sharing an investigation can share its exhibits and suspects with it, one share (and one
audit event) per record.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ...core.models import AgencyOwned
from ...policy import NoAccess, get_object_for, signed_in_user
from ...sharing import ShareForm, end_share, share_history, share_together
from ..access import EDITOR_ROLES
from ..models import Exhibit, Investigation, Operation, Suspect

SHAREABLE: dict[str, tuple[type[AgencyOwned], str]] = {
    "operation": (Operation, "investigations:operation_detail"),
    "investigation": (Investigation, "investigations:investigation_detail"),
    "exhibit": (Exhibit, "investigations:exhibit_detail"),
    "suspect": (Suspect, "investigations:suspect_detail"),
}
NOTE = ("The agency reads this record while it is shared with it, and never changes it; "
        "an exhibit shared shows its triage figures, never its pictures.")


class InvestigationShareForm(ShareForm):
    with_parts = forms.BooleanField(
        required=False, initial=True,
        label="Also share its exhibits (their triage figures) and suspects held by your "
              "agency")


def _record(request: HttpRequest, kind: str, pk: int) -> AgencyOwned:
    found = SHAREABLE.get(kind)
    if found is None:
        raise NoAccess(None, f"no shareable record kind {kind!r}")
    return get_object_for(request, found[0], pk, need="write", roles=EDITOR_ROLES)


def _parts(investigation: Investigation, agency_id: int | None) -> list[AgencyOwned]:
    exhibits = Exhibit.objects.filter(investigation=investigation, owning_agency_id=agency_id)
    suspects = Suspect.objects.filter(investigations=investigation, owning_agency_id=agency_id)
    return [*exhibits, *suspects]


@require_http_methods(["GET", "POST"])
def shares(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    obj = _record(request, kind, pk)
    form_class = InvestigationShareForm if isinstance(obj, Investigation) else ShareForm
    form = form_class(request.POST or None, obj=obj)
    if request.method == "POST" and form.is_valid():
        agency, reason = form.cleaned_data["agency"], form.cleaned_data["reason"].strip()
        parts = (_parts(obj, signed_in_user(request).agency_id)
                 if isinstance(obj, Investigation) and form.cleaned_data.get("with_parts")
                 else [])
        messages.success(request, share_together(request, obj, parts, agency, reason))
        return redirect("investigations:shares", kind=kind, pk=pk)
    context: dict[str, Any] = {
        "object": obj, "kind": kind, "form": form, "history": share_history(obj),
        "back": reverse(SHAREABLE[kind][1], args=[obj.pk]), "sharing_note": NOTE,
    }
    return render(request, "investigations/shares.html", context,
                  status=400 if request.method == "POST" else 200)


@require_POST
def unshare(request: HttpRequest, kind: str, pk: int, share_pk: int) -> HttpResponse:
    obj = _record(request, kind, pk)
    agency = end_share(request, obj, share_pk)
    messages.success(request, f"No longer shared with {agency}.")
    return redirect("investigations:shares", kind=kind, pk=pk)
