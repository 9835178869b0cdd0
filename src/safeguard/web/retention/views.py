"""The disposal review work list (/retention/), its decisions, and the decision log.

Open to supervisors (policy.SECTIONS["retention"]); each sees and decides only the
records their own agency owns. A decision about another agency's record is refused as
everywhere else (policy.get_object_for: 404, or 403 for a partner that was shared it),
and recorded. There are no pages to edit or delete a decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .. import audit
from ..accounts.models import Role, User
from ..audit.models import Action
from ..core import formats
from ..core.clock import today
from ..core.params import page_number
from ..core.policy import get_object_for, require_section
from .conf import retention_schedule
from .decisions import NotDue, dispose, due_counts, retain, worklist
from .forms import DecisionForm
from .kinds import KINDS, Blocked, anniversary, installed_kinds
from .models import DecisionKind, RetentionDecision

PAGE_SIZE = 25
LOG_PAGE_SIZE = 50


@require_GET
def work_list(request: HttpRequest) -> HttpResponse:
    user = require_section(request, "retention")
    wanted = request.GET.get("type", "")
    wanted = wanted if wanted in KINDS else ""
    audit.record(request, Action.VIEW, page="retention review", type=wanted)
    return _render(request, user, wanted)


def _render(request: HttpRequest, user: User, wanted: str = "",
            problems: Sequence[str] = (), status: int = 200) -> HttpResponse:
    schedule, day = retention_schedule(), today()
    assert user.agency_id is not None  # the section opens only to a member of an agency
    kinds = installed_kinds()
    rows = worklist(user.agency_id, day, schedule,
                    [kind for kind in kinds if not wanted or kind.key == wanted])
    number = page_number(request.GET.get("page"))
    page = Paginator(rows, PAGE_SIZE).get_page(number)
    longest = anniversary(day, schedule.longest_retain_years)
    items: list[dict[str, Any]] = [{
        "row": row,
        "suggested": min(anniversary(day, row.kind.period(row.obj, schedule)), longest),
        "form_id": f"{row.kind.key}-{row.obj.pk}",
    } for row in page]
    counts = due_counts(user.agency_id, day, schedule, kinds)
    return render(request, "retention/work_list.html", {
        "page": page, "items": items, "wanted": wanted, "today": day, "longest": longest,
        "counts": [(kind, counts[kind.key]) for kind in kinds],
        "total": sum(counts.values()), "problems": problems,
        "reason_min_length": schedule.reason_min_length,
    }, status=status)


@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    user = require_section(request, "retention")
    schedule, day = retention_schedule(), today()
    form = DecisionForm(request.POST, schedule=schedule, today=day)
    if not form.is_valid():
        return _render(request, user, problems=form.problems(), status=400)
    kind = KINDS[form.cleaned_data["record_type"]]
    pk: int = form.cleaned_data["object_id"]
    # Another agency's record: 404, recorded (its existence is not told); one shared
    # with this agency: 403, read-only. Only the owner's supervisors decide.
    get_object_for(request, kind.model(), pk, need="write", roles=[Role.SUPERVISOR])
    reason: str = form.cleaned_data["reason"]
    try:
        if form.cleaned_data["decision"] == DecisionKind.RETAIN:
            decision = retain(request, user, kind, pk, reason,
                              form.cleaned_data["next_review_on"], day, schedule)
        else:
            decision = dispose(request, user, kind, pk, reason, day, schedule)
    except NotDue as exc:
        return _render(request, user, problems=[str(exc)], status=400)
    except Blocked as exc:
        return _render(request, user, problems=[str(exc)], status=409)
    if decision.decision == DecisionKind.RETAIN:
        assert decision.next_review_on is not None
        messages.success(request, f"Retained {decision.label}: next review on "
                                  f"{formats.day(decision.next_review_on)}.")
    else:
        gone = ", ".join(f"{number} {name}" for name, number in sorted(decision.disposed.items()))
        messages.success(request, f"Disposed of {decision.label} ({gone}).")
    return redirect("retention:work_list")


@require_GET
def decision_log(request: HttpRequest) -> HttpResponse:
    user = require_section(request, "retention")
    assert user.agency_id is not None  # the section opens only to a member of an agency
    decisions = RetentionDecision.objects.filter(agency_id=user.agency_id).select_related(
        "decided_by")
    page = Paginator(decisions, LOG_PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    audit.record(request, Action.VIEW, page="retention decision log")
    return render(request, "retention/decision_log.html", {"page": page})
