"""Referrals: the list, record one about a child, open it, record the decision."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ... import audit
from ...audit.models import Action
from ...core import formats
from ...core.clock import local_date, now, today
from ...core.policy import signed_in_user, visible_to
from ..conf import local_rules
from ..forms.referrals import ChildProtectionForm, DecisionForm, ReferralForm
from ..handoffs import decided_elsewhere, route_referral, settle_done, tasks_on
from ..models import Child, ConferenceOutcome, Outcome, Referral, S47Outcome
from ..models.tasks import Task
from ..need_to_know import open_child_part, open_record, require_writer, visible_child_parts
from ..rules import child_protection_clocks, referral_decision_due
from .common import (
    form_page,
    open_for_view,
    record_context,
    record_list_view,
    save_new,
    share_back_form,
)


def referral_list(request: HttpRequest) -> HttpResponse:
    referrals = visible_child_parts(request, Referral).select_related("child").order_by(
        "decided_at", "decision_due", "-received_at")
    show = request.GET.get("show", "open")
    if show == "open":
        referrals = referrals.filter(decided_at__isnull=True)
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    record_list_view(request, "referrals", show=show)
    return render(request, "safeguarding/referral_list.html", {
        "page": page, "show": show, "today": today(),
    })


@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    child = open_record(request, Child, pk)
    require_writer(request)
    if request.method == "GET" and (asked := open_for_view(request, child)) is not None:
        return asked
    form = ReferralForm(request.POST or None, initial={"received_at": now()})
    share_form = share_back_form(request, child)
    if request.method == "POST" and form.is_valid() and (share_form is None
                                                         or share_form.is_valid()):
        referral = form.save(commit=False)
        referral.child = child
        referral.decision_due = referral_decision_due(local_date(referral.received_at),
                                                      local_rules().working)
        with transaction.atomic():
            save_new(request, referral, share_with=child,
                     share_back=bool(share_form and share_form.cleaned_data["share_with_owner"]),
                     rag=referral.rag, decision_due=referral.decision_due.isoformat())
            routed = route_referral(request, referral, signed_in_user(request))
        messages.success(request, f"Recorded the referral: decide by "
                                  f"{formats.day(referral.decision_due, weekday=True)}. {routed}")
        return redirect("safeguarding:referral_detail", pk=referral.pk)
    return form_page(request, f"Referral about {child}", [form, share_form], subject=child,
                     intro="A referral is decided within 1 working day; an assessment is "
                           "completed within 45 working days (bank holidays excluded).",
                     cancel=reverse("safeguarding:child_detail", args=[child.pk]))


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = open_child_part(request, Referral, pk)
    if (asked := open_for_view(request, referral, referral.child)) is not None:
        return asked
    return render(request, "safeguarding/referral_detail.html", {
        "referral": referral, "child": referral.child, "today": today(),
        "tasks": tasks_on(referral).filter(pk__in=visible_to(request, Task).values("pk"))
        .select_related("assigned_agency"),
        **record_context(request, referral),
    })


@require_http_methods(["GET", "POST"])
def referral_decide(request: HttpRequest, pk: int) -> HttpResponse:
    referral = open_child_part(request, Referral, pk, need="write")
    if (front_door := decided_elsewhere(referral, signed_in_user(request))) is not None:
        # Working Together 2023: the local authority decides; the referrer holds the rest.
        messages.error(request, f"The front door of {front_door} decides this referral.")
        return redirect("safeguarding:referral_detail", pk=referral.pk)
    if request.method == "GET" and (
        asked := open_for_view(request, referral, referral.child)
    ) is not None:
        return asked
    form = DecisionForm(request.POST or None, instance=referral)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            decision = form.save(commit=False)
            DecisionForm.settle(decision, signed_in_user(request))
            decision.save()
            audit.record(request, Action.UPDATE, referral, fields=sorted(form.changed_data),
                         outcome=decision.outcome)
            # The front door's task, where it was the recording agency's own.
            settle_done(request, decision, signed_in_user(request))
        messages.success(request, "Recorded the decision.")
        return redirect("safeguarding:referral_detail", pk=referral.pk)
    return form_page(request, "Decision on the referral", [form], subject=referral.child,
                     cancel=reverse("safeguarding:referral_detail", args=[referral.pk]))


@require_http_methods(["GET", "POST"])
def referral_child_protection(request: HttpRequest, pk: int) -> HttpResponse:
    """The child protection path of a strategy discussion outcome, with its clocks."""
    referral = open_child_part(request, Referral, pk, need="write")
    if request.method == "GET" and (
        asked := open_for_view(request, referral, referral.child)
    ) is not None:
        return asked
    if referral.outcome != Outcome.STRATEGY:
        messages.error(request, "The child protection path follows a decision of strategy "
                                "discussion: record that decision first.")
        return redirect("safeguarding:referral_detail", pk=referral.pk)
    form = ChildProtectionForm(request.POST or None, instance=referral)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            path = form.save(commit=False)
            clocks = child_protection_clocks(
                path.strategy_discussion_on, path.s47_started_on,
                path.s47_outcome == S47Outcome.NO_CONFERENCE, path.icpc_held_on,
                path.icpc_outcome == ConferenceOutcome.PLAN, local_rules().working)
            path.icpc_due, path.core_group_due, path.rcpc_due = (
                clocks.icpc_due, clocks.core_group_due, clocks.rcpc_due)
            path.save()
            audit.record(request, Action.UPDATE, referral, fields=sorted(form.changed_data),
                         icpc_due=_iso(path.icpc_due), core_group_due=_iso(path.core_group_due),
                         rcpc_due=_iso(path.rcpc_due))
        messages.success(request, "Recorded the child protection steps.")
        return redirect("safeguarding:referral_detail", pk=referral.pk)
    return form_page(
        request, "Child protection steps", [form], subject=referral.child,
        intro="Working Together to Safeguard Children 2023: the initial child protection "
              "conference within 15 working days of the strategy discussion that started "
              "the section 47 enquiry; the first core group within 10 working days of the "
              "conference; the first review conference within 3 months. The 45-working-day "
              "assessment clock runs beside them. Bank holidays are excluded.",
        cancel=reverse("safeguarding:referral_detail", args=[referral.pk]))


def _iso(day: object) -> str | None:
    return day.isoformat() if hasattr(day, "isoformat") else None
