"""What the partners' staff pages share: the form page (saving and the list audit are
core/saving.py's, re-exported here for the views)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ...core.problems import problems_of
from ...core.saving import record_list_view, save_changes, save_new

__all__ = ["form_page", "record_list_view", "save_changes", "save_new"]


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
