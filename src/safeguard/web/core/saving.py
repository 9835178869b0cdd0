"""Saving a record the way every app's views do: in one transaction with its audit event.

    save_new(request, business, sector=...)     # owned by the user's agency, created_by
    save_changes(request, form)                 # an edit, recorded with the fields changed
    record_list_view(request, "businesses")     # a list or blank form: a consultation too
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.db import transaction
from django.http import HttpRequest

from .. import audit
from ..audit.models import Action
from .models import Recorded
from .policy import signed_in_user

R = TypeVar("R", bound=Recorded)


def record_list_view(request: HttpRequest, page: str, **details: Any) -> None:
    """Lists are consultations too: one view event naming the list and its filters."""
    audit.record(request, Action.VIEW, page=page, **details)


def save_new(request: HttpRequest, obj: R, *, m2m: forms.ModelForm | None = None,
             **details: Any) -> R:
    """Save a new record owned by the user's agency and made by the user, with its
    create event (one transaction); `m2m`: the form whose many-to-many fields follow."""
    user = signed_in_user(request)
    with transaction.atomic():
        obj.owning_agency = user.agency  # type: ignore[assignment]  # signed in: has one
        obj.created_by = user
        obj.save()
        if m2m is not None:
            m2m.save_m2m()
        audit.record(request, Action.CREATE, obj, **details)
    return obj


def save_changes(request: HttpRequest, form: forms.ModelForm) -> Any:
    """Save an edit form, recorded with the names of the fields it changed."""
    with transaction.atomic():
        obj = form.save()
        audit.record(request, Action.UPDATE, obj, fields=sorted(form.changed_data))
    return obj
