"""What the intelligence views share: the form page with its error summary, the actor."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ...policy import signed_in_user
from ..auditing import Actor


def actor_of(request: HttpRequest) -> Actor:
    return Actor.of_request(request, signed_in_user(request))


def problems_of(*forms_: Any) -> list[dict[str, str]]:
    """Every error of the bound forms, each naming and linking its field."""
    problems = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for name, errors in form.errors.items():
            label = "Form" if name == "__all__" else str(form[name].label)
            field_id = "" if name == "__all__" else (form[name].id_for_label
                                                     or form[name].auto_id)
            for error in errors:
                problems.append({"label": label, "id": field_id, "message": error})
    return problems


def form_page(request: HttpRequest, title: str, form: Any, *, cancel: str, intro: str = "",
              submit: str = "Save", subject: Any = None, multipart: bool = False,
              extra: dict[str, Any] | None = None) -> HttpResponse:
    problems = problems_of(form)
    status = 400 if problems and request.method == "POST" else 200
    return render(request, "intelligence/form.html", {
        "title": title, "form": form, "cancel": cancel, "intro": intro, "submit": submit,
        "problems": problems, "subject": subject, "multipart": multipart, **(extra or {}),
    }, status=status)
