"""What the register's views share: the reason asked before a record opens, the audit
of what was seen, saving a new record with its owner, and the form page."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ... import audit
from ...accounts.models import User
from ...audit.events import session_justification
from ...audit.models import Action
from ...core import saving
from ...core.audit_pages.justification import require_justification
from ...core.audit_pages.views import access_log_url
from ...core.models import Recorded
from ...core.policy import access_level, can_see_access_log, share, signed_in_user
from ...core.problems import problems_of
from ...core.saving import record_list_view
from ..forms.common import ShareBackForm
from ..models import Child

R = TypeVar("R", bound=Recorded)

__all__ = ["form_page", "open_for_view", "record_context", "record_list_view", "save_new",
           "share_back_form"]


def open_for_view(request: HttpRequest, obj: models.Model,
                  subject: models.Model | None = None) -> HttpResponse | None:
    """Ask for the reason (DPA 2018 s62) before `obj` opens, then record the view.

    `subject`: the child (or adult) the record is about; one reason given for the child
    covers the child's records for the justification window, and each record's view
    event carries it. Returns the question page, or None once a reason is in force.
    """
    subject = subject if subject is not None else obj
    if (asked := require_justification(request, subject)) is not None:
        return asked
    audit.record(request, Action.VIEW, obj, session_justification(request, subject))
    return None


def record_context(request: HttpRequest, obj: Recorded) -> dict[str, Any]:
    """What a record's page needs to offer its owner's actions."""
    user = signed_in_user(request)
    level = access_level(user, obj)
    return {
        "can_write": level == "write" and user.role in _write_roles(),
        "shared_view": level == "read",
        "access_log_url": access_log_url(obj) if can_see_access_log(user, obj) else "",
        "share_kind": obj._meta.model_name,
    }


def _write_roles() -> tuple[str, ...]:
    from ..need_to_know import WRITE_ROLES

    return WRITE_ROLES


def save_new(request: HttpRequest, obj: R, *, share_with: Child | None = None,
             share_back: bool = False, m2m: forms.ModelForm | None = None,
             **details: Any) -> R:
    """Save a new record owned by the user's agency, with its create event (one
    transaction: core.saving); share it with the child's agency when the user asked to."""
    user = signed_in_user(request)
    with transaction.atomic():
        saving.save_new(request, obj, m2m=m2m, **details)
        if share_back and share_with is not None and (
            share_with.owning_agency_id != user.agency_id
        ):
            share(request, obj, share_with.owning_agency,
                  f"Recorded about {share_with}, whose record {share_with.owning_agency} holds")
    return obj


def share_back_form(request: HttpRequest, child: Child) -> ShareBackForm | None:
    """The "share with the child's agency" choice, for a partner recording on a child."""
    user: User = signed_in_user(request)
    if child.owning_agency_id == user.agency_id:
        return None
    return ShareBackForm(request.POST or None, owner=child.owning_agency, prefix="share")


def form_page(request: HttpRequest, title: str, forms_: list[Any], *, cancel: str,
              intro: str = "", subject: Any = None, submit: str = "Save",
              status: int = 200, other_tools: list[Any] | None = None) -> HttpResponse:
    """One page for every register form: an error summary naming each field, then the
    forms in order."""
    bound = [f for f in forms_ if f is not None]
    if request.method == "GET" and subject is None:
        # A blank form for a new record: no record opened, but the page was (and a
        # form may list records to choose from): one view event naming the form.
        record_list_view(request, f"form: {title}")
    problems = problems_of(*bound)
    if problems and request.method == "POST":
        status = 400
    return render(request, "safeguarding/form.html", {
        "title": title, "forms": bound, "cancel": cancel, "intro": intro,
        "subject": subject, "submit": submit, "problems": problems,
        "other_tools": other_tools or [],
    }, status=status)
