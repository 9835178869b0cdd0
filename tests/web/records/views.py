from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from safeguard.web import audit
from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action
from safeguard.web.core.audit_pages.justification import require_justification
from safeguard.web.core.policy import get_object_for, visible_to

from .models import CaseNote


def note_list(request: HttpRequest) -> HttpResponse:
    notes = visible_to(request, CaseNote).order_by("pk")
    return HttpResponse("\n".join(note.title for note in notes), content_type="text/plain")


def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_for(request, CaseNote, pk)
    if (asked := require_justification(request, note)) is not None:
        return asked
    audit.record(request, Action.VIEW, note)
    return HttpResponse(f"note: {note.title}", content_type="text/plain")


def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_for(
        request, CaseNote, pk, need="write", roles=[Role.INVESTIGATOR, Role.SUPERVISOR]
    )
    if request.method == "POST":
        with transaction.atomic():
            note.title = request.POST["title"]
            note.save(update_fields=["title"])
            audit.record(request, Action.UPDATE, note, fields=["title"])
        return redirect("records:detail", pk=note.pk)
    return HttpResponse(f"edit: {note.title}", content_type="text/plain")
