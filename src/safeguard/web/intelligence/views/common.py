"""What the intelligence views share: the form page with its error summary, the actor."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ...core.policy import signed_in_user
from ...core.problems import problems_of
from ..intake.auditing import Actor


def actor_of(request: HttpRequest) -> Actor:
    return Actor.of_request(request, signed_in_user(request))


def form_page(request: HttpRequest, title: str, form: Any, *, cancel: str, intro: str = "",
              submit: str = "Save", subject: Any = None, multipart: bool = False,
              extra: dict[str, Any] | None = None) -> HttpResponse:
    problems = problems_of(form)
    status = 400 if problems and request.method == "POST" else 200
    return render(request, "intelligence/form.html", {
        "title": title, "form": form, "cancel": cancel, "intro": intro, "submit": submit,
        "problems": problems, "subject": subject, "multipart": multipart, **(extra or {}),
    }, status=status)
