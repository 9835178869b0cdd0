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
from ...core.clock import today
from ...core.policy import NoAccess
from ..conf import local_rules
from ..deadlines import fgm_duty, fgm_report_overdue, nrm_clock, order_clock
from ..forms.harms import ConcernForm, detail_form_class
from ..models import (
    Child,
    Concern,
    FgmDetail,
    ForcedMarriageDetail,
    HarmKind,
    MissingEpisode,
    TraffickingDetail,
)
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
    detail_form = detail_class(data, prefix="detail", child=child) if detail_class else None
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
        return ("A regulated health or social care professional or a teacher who is told by a "
                "girl under 18 that FGM has been carried out on her, or who sees the signs, "
                "reports it to the police personally by the end of the next working day, one "
                "month at most (FGM Act 2003 s5B). At-risk and suspected cases, and what a "
                "parent or another professional says, follow the local safeguarding "
                "procedures instead.")
    if harm == HarmKind.FORCED_MARRIAGE:
        return ("A forced marriage protection order (Family Law Act 1996 Part 4A) may run to "
                "a date: give it, and the register warns before it expires.")
    if harm == HarmKind.TRAFFICKING:
        return ("Police and councils are first responders to the National Referral Mechanism: "
                "record the referral, then the reasonable grounds decision (due within 5 "
                "working days) and the conclusive grounds decision (no sooner than 30 days "
                "after a positive reasonable grounds decision).")
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
    episodes = (visible_child_parts(request, MissingEpisode).filter(child=concern.child)
                if concern.kind == HarmKind.MISSING else None)
    return render(request, "safeguarding/concern_detail.html", {
        "concern": concern, "child": concern.child, "fields": fields,
        **_clocks(concern, detail), "episodes": episodes, **record_context(request, concern),
    })


def _clocks(concern: Concern, detail: Any) -> dict[str, Any]:
    """The FGM duty and deadlines, a protection order's expiry, the NRM decisions: what
    the concern page shows beside its fields (deadlines.py, as the work lists read it)."""
    day, rules = today(), local_rules()
    clocks: dict[str, Any] = {"fgm": None, "order": None, "nrm": None,
                              "warning_days": rules.order_expiry_warning_days}
    if isinstance(detail, FgmDetail):
        duty = fgm_duty(concern, detail, rules.working)
        reported = detail.reported_to_police_on is not None
        clocks["fgm"] = {
            "duty": duty, "deadlines": duty.deadlines, "reported": reported,
            "overdue": fgm_report_overdue(duty, detail, day),
            "past_limit": duty.alerts and not reported and duty.deadlines.past_limit(day)}
    if isinstance(detail, FgmDetail | ForcedMarriageDetail):
        clocks["order"] = order_clock(concern, detail, day, rules.order_expiry_warning_days)
    if isinstance(detail, TraffickingDetail):
        clocks["nrm"] = nrm_clock(detail, day, rules.working)
    return clocks


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
    detail_form = (detail_class(data, instance=concern.detail, prefix="detail",
                                child=concern.child) if detail_class else None)
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
