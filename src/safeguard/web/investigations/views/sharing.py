"""Sharing an investigation record with another agency (another police force taking part,
a partner who needs the figures), with a reason, and ending the share.

The owning force's editors share (web/sharing.py); the other agency then reads the
record and never changes it. An exhibit shared discloses its triage figures, never its
pictures (review/access.py). An investigation can be shared together with its exhibits
and suspects, one share (and one audit event) per record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse

from ... import audit
from ...core.audit_pages.justification import require_justification
from ...core.models import AgencyOwned
from ...core.policy import get_object_for, signed_in_user
from ...core.sharing import ShareForm, SharingPages
from ..access import EDITOR_ROLES
from ..models import Exhibit, Investigation, Operation, Suspect


class InvestigationShareForm(ShareForm):
    with_parts = forms.BooleanField(
        required=False, initial=True,
        label="Also share its exhibits (their triage figures) and suspects held by your "
              "agency")


def _parts(request: HttpRequest, obj: Any) -> Sequence[AgencyOwned]:
    if not isinstance(obj, Investigation):
        return ()
    agency_id = signed_in_user(request).agency_id
    return [*Exhibit.objects.filter(investigation=obj, owning_agency_id=agency_id),
            *Suspect.objects.filter(investigations=obj, owning_agency_id=agency_id)]


def _ask_first(request: HttpRequest, obj: Any) -> HttpResponse | None:
    """The reason first, for the records whose own pages ask for it (a suspect; an
    exhibit, whose triage pages ask): the sharing page shows the record too (DPA s62)."""
    if isinstance(obj, Suspect | Exhibit) and (
        asked := require_justification(request, obj)
    ) is not None:
        return asked
    audit.record(request, audit.Action.VIEW, obj, page="sharing")
    return None


PAGES = SharingPages(
    namespace="investigations",
    template="investigations/shares.html",
    kinds={
        "operation": (Operation, "investigations:operation_detail"),
        "investigation": (Investigation, "investigations:investigation_detail"),
        "exhibit": (Exhibit, "investigations:exhibit_detail"),
        "suspect": (Suspect, "investigations:suspect_detail"),
    },
    open_record=lambda request, model, pk: get_object_for(request, model, pk, need="write",
                                                          roles=EDITOR_ROLES),
    note="The agency reads this record while it is shared with it, and never changes it; "
         "an exhibit shared shows its triage figures, never its pictures.",
    form_for=lambda obj: InvestigationShareForm if isinstance(obj, Investigation)
    else ShareForm,
    parts=_parts,
    parts_field="with_parts",
    ask_first=_ask_first,
)
