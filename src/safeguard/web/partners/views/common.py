"""What the partners' staff pages share: the form page, list audit, saving with owner."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ... import audit
from ...audit.models import Action
from ...core.problems import problems_of
from ...policy import signed_in_user
from ..models.businesses import Kept


def record_list_view(request: HttpRequest, page: str, **details: Any) -> None:
    """A list or a blank form is a consultation too: one view event naming it."""
    audit.record(request, Action.VIEW, page=page, **details)


def save_new(request: HttpRequest, obj: Kept, **details: Any) -> Kept:
    user = signed_in_user(request)
    with transaction.atomic():
        obj.owning_agency = user.agency  # type: ignore[assignment]  # signed in: has one
        obj.created_by = user
        obj.save()
        audit.record(request, Action.CREATE, obj, **details)
    return obj


def save_changes(request: HttpRequest, form: forms.ModelForm) -> Any:
    with transaction.atomic():
        obj = form.save()
        audit.record(request, Action.UPDATE, obj, fields=sorted(form.changed_data))
    return obj


def form_page(request: HttpRequest, title: str, form: forms.BaseForm, *, cancel: str,
              intro: str = "", submit: str = "Save") -> HttpResponse:
    """One page for every staff form: an error summary naming each field, then the form."""
    if request.method == "GET":
        record_list_view(request, f"form: {title}")
    problems = problems_of(form)
    return render(request, "partners/form.html", {
        "title": title, "form": form, "cancel": cancel, "intro": intro, "submit": submit,
        "problems": problems,
    }, status=400 if problems else 200)
