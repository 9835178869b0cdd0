"""Harms: record a concern of a kind on a child (common fields and the kind's details),
open it, change it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ... import audit
from ...audit.models import Action
from ...policy import NoAccess
from ..clock import today
from ..forms.harms import ConcernForm, detail_form_class
from ..models import Child, Concern, FgmDetail, HarmKind, MissingEpisode
from ..need_to_know import open_child_part, open_record, require_writer, visible_child_parts
from .common import form_page, open_for_view, record_context, save_new, share_back_form


def _kind(kind: str) -> HarmKind:
    if kind not in HarmKind.values:
        raise NoAccess(None, f"no harm kind {kind!r}")
    return HarmKind(kind)


@require_http_methods(["GET", "POST"])
def concern_create(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    child = open_record(request, Child, pk)
    require_writer(request)
    harm = _kind(kind)
    if request.method == "GET" and (asked := open_for_view(request, child)) is not None:
        return asked
    data = request.POST or None
    form = ConcernForm(data, initial={"identified_on": today()})
    detail_class = detail_form_class(harm)
    detail_form = detail_class(data, prefix="detail") if detail_class else None
    share_form = share_back_form(request, child)
    if request.method == "POST" and _all_valid(form, detail_form, share_form):
        with transaction.atomic():
            concern = form.save(commit=False)
            concern.child, concern.kind = child, harm
            save_new(request, concern, share_with=child,
                     share_back=bool(share_form and share_form.cleaned_data["share_with_owner"]),
                     kind=harm.value)
            if detail_form is not None:
                detail = detail_form.save(commit=False)
                detail.concern = concern
                detail.save()
        messages.success(request, f"Recorded the {harm.label.lower()} concern.")
        return redirect("safeguarding:concern_detail", pk=concern.pk)
    return form_page(request, f"{harm.label}: concern about {child}",
                     [form, detail_form, share_form], subject=child,
                     intro=_intro(harm),
                     cancel=reverse("safeguarding:child_detail", args=[child.pk]))


def _intro(harm: HarmKind) -> str:
    if harm == HarmKind.FGM:
        return ("Known FGM in a girl under 18 is reported to the police by the end of the next "
                "working day, and within one month at most (FGM Act 2003 s5B).")
    if harm == HarmKind.TRAFFICKING:
        return ("Police and councils are first responders to the National Referral Mechanism: "
                "record the referral, then the reasonable and conclusive grounds decisions.")
    if harm == HarmKind.MISSING:
        return "The episodes themselves are recorded as missing episodes on the child."
    return ""


def _all_valid(*forms: Any) -> bool:
    results = [form.is_valid() for form in forms if form is not None]
    return all(results)


def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = open_child_part(request, Concern, pk)
    if (asked := open_for_view(request, concern, concern.child)) is not None:
        return asked
    detail = concern.detail
    fields = []
    if detail is not None:
        for field in detail._meta.concrete_fields:
            if field.name == "concern":
                continue
            display = getattr(detail, f"get_{field.name}_display", None)
            value = display() if display else getattr(detail, field.name)
            fields.append((field.verbose_name, value))
    fgm = None
    if isinstance(detail, FgmDetail):
        deadlines = detail.deadlines(concern.identified_on)
        fgm = {"deadlines": deadlines,
               "overdue": detail.report_overdue(concern.identified_on),
               "past_limit": detail.reported_to_police_on is None
               and deadlines.past_limit(today())}
    episodes = (visible_child_parts(request, MissingEpisode).filter(child=concern.child)
                if concern.kind == HarmKind.MISSING else None)
    return render(request, "safeguarding/concern_detail.html", {
        "concern": concern, "child": concern.child, "fields": fields, "fgm": fgm,
        "episodes": episodes, **record_context(request, concern),
    })


@require_http_methods(["GET", "POST"])
def concern_edit(request: HttpRequest, pk: int) -> HttpResponse:
    concern = open_child_part(request, Concern, pk, need="write")
    if request.method == "GET" and (
        asked := open_for_view(request, concern, concern.child)
    ) is not None:
        return asked
    data = request.POST or None
    form = ConcernForm(data, instance=concern)
    detail_class = detail_form_class(concern.kind)
    detail_form = (detail_class(data, instance=concern.detail, prefix="detail")
                   if detail_class else None)
    if request.method == "POST" and _all_valid(form, detail_form):
        with transaction.atomic():
            form.save()
            changed = sorted(form.changed_data)
            if detail_form is not None:
                detail = detail_form.save(commit=False)
                detail.concern = concern
                detail.save()
                changed += sorted(f"detail.{name}" for name in detail_form.changed_data)
            audit.record(request, Action.UPDATE, concern, fields=changed)
        messages.success(request, "Saved the concern.")
        return redirect("safeguarding:concern_detail", pk=concern.pk)
    return form_page(request, f"Change the {concern.get_kind_display().lower()} concern",
                     [form, detail_form], subject=concern.child, intro=_intro(
                         HarmKind(concern.kind)),
                     cancel=reverse("safeguarding:concern_detail", args=[concern.pk]))
