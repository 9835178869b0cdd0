"""The create and edit pages' one flow: a valid POST saves and records the change in one
transaction and goes to the record; anything else shows the form again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ... import audit
from ...audit.models import Action


def _form_page(request: HttpRequest, form: forms.ModelForm, title: str,
               cancel: str) -> HttpResponse:
    return render(request, "investigations/form.html", {
        "form": form, "title": title, "cancel": cancel})


def create_page(request: HttpRequest, form: forms.ModelForm, *, title: str, detail: str,
                cancel: str, **owner: Any) -> HttpResponse:
    """`owner`: the fields the view sets itself (owning_agency, investigation...);
    `detail`: the URL name of the new record's page."""
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            made: models.Model = form.save(commit=False)
            for name, value in owner.items():
                setattr(made, name, value)
            made.save()
            form.save_m2m()
            details = ({"investigation": owner["investigation"].pk}
                       if "investigation" in owner else {})
            audit.record(request, Action.CREATE, made, **details)
        return redirect(detail, pk=made.pk)
    return _form_page(request, form, title, cancel)


def edit_page(request: HttpRequest, obj: models.Model, form: forms.ModelForm, *,
              detail: str, view_recorded: bool = False) -> HttpResponse:
    """`view_recorded`: the form shows a person's or an exhibit's details, so opening it
    is recorded as a look (the reason was asked before)."""
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record(request, Action.UPDATE, obj, fields=form.changed_data)
        return redirect(detail, pk=obj.pk)
    if view_recorded and request.method != "POST":
        audit.record(request, Action.VIEW, obj, page="edit form")
    return _form_page(request, form, f"Edit {obj}", reverse(detail, args=[obj.pk]))
