"""Risk screenings: complete one for a child (with an optional override), open one."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ...core.clock import today
from ...core.params import record_id
from ...core.policy import NoAccess, signed_in_user
from ..conf import local_rules
from ..forms.risk import AssessmentForm
from ..models import Child, RiskAssessment, ScreeningTool
from ..need_to_know import open_child_part, open_record, require_writer
from ..rules import add_months
from ..suggestions import facts_for, suggestions
from .common import form_page, open_for_view, record_context, save_new, share_back_form


@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    child = open_record(request, Child, pk)
    user = require_writer(request)
    if request.method == "GET" and (asked := open_for_view(request, child)) is not None:
        return asked
    # By name: the CSE tool is offered first, the criminal exploitation one beside it.
    tools = ScreeningTool.objects.filter(active=True).order_by("name", "slug")
    chosen = request.GET.get("tool") or request.POST.get("tool")
    tool = tools.filter(pk=key).first() if (key := record_id(chosen)) else tools.first()
    if tool is None:
        raise NoAccess(None, "no screening tool is loaded")
    # Facts the user may see suggest indicators; the practitioner confirms each.
    suggested = suggestions(tool.indicators.all(), facts_for(request, child))
    form = AssessmentForm(request.POST or None, tool=tool, child=child, suggested=suggested,
                          initial={"completed_on": today()})
    share_form = share_back_form(request, child)
    if request.method == "POST" and form.is_valid() and (share_form is None
                                                         or share_form.is_valid()):
        data = form.cleaned_data
        override = data["override_grade"]
        screening = data["screening"]
        assessment = RiskAssessment(
            child=child, tool=tool, completed_on=data["completed_on"], completed_by=user,
            score=data["score"], calculated_grade=data["calculated_grade"],
            override_grade=override, override_reason=data["override_reason"].strip(),
            grade=override or data["calculated_grade"],
            review_due=add_months(data["completed_on"], local_rules().risk_review_months),
            notes=data["notes"], age_at_screening=screening.age,
            rules_applied=[rule.as_record() for rule in screening.rules],
            required_action=screening.required_action,
            suggestions=form.suggestion_records(),
        )
        codes = set(data["indicators"])
        share_back = bool(share_form and share_form.cleaned_data["share_with_owner"])
        with transaction.atomic():
            save_new(request, assessment, share_with=child, share_back=share_back,
                     tool=f"{tool.slug} v{tool.version}", score=assessment.score,
                     calculated_grade=assessment.calculated_grade, grade=assessment.grade,
                     override_reason=assessment.override_reason,
                     rules_applied=[rule.code for rule in screening.rules])
            assessment.indicators.set([i for i in form.indicator_rows if i.code in codes])
        done = f"Recorded the screening: {assessment.get_grade_display()}."
        if assessment.required_action:
            done += f" Required now: {assessment.required_action}"
        messages.success(request, done)
        return redirect("safeguarding:assessment_detail", pk=assessment.pk)
    intro = (f"{tool} — {tool.description}" + (
        " Weights and thresholds are illustrative local configuration." if tool.illustrative
        else ""))
    others = [(other, reverse("safeguarding:assessment_create", args=[child.pk])
               + f"?tool={other.pk}") for other in tools if other.pk != tool.pk]
    return form_page(request, f"Risk screening for {child}", [form, share_form], subject=child,
                     intro=intro, cancel=reverse("safeguarding:child_detail", args=[child.pk]),
                     submit="Record the screening", other_tools=others)


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = open_child_part(request, RiskAssessment, pk)
    if (asked := open_for_view(request, assessment, assessment.child)) is not None:
        return asked
    chosen = set(assessment.indicators.values_list("pk", flat=True))
    spec = assessment.tool.spec()
    return render(request, "safeguarding/assessment_detail.html", {
        "assessment": assessment, "child": assessment.child, "today": today(),
        "user": signed_in_user(request),
        "indicators": [(item, item.pk in chosen) for item in assessment.tool.indicators.all()],
        "suggested": _suggested_by_code(assessment.suggestions),
        "thresholds": spec.thresholds_for(assessment.age_at_screening)
        if assessment.age_at_screening is not None else spec.default,
        **record_context(request, assessment),
    })


def _suggested_by_code(records: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    """The suggestions an assessment kept, one line per indicator."""
    found: dict[str, dict[str, object]] = {}
    for record in records:
        code = str(record["code"])
        entry = found.setdefault(code, {"why": [], "confirmed": bool(record["confirmed"])})
        entry["why"].append(str(record["why"]))  # type: ignore[attr-defined]
    for entry in found.values():
        entry["why"] = "; ".join(entry["why"])  # type: ignore[arg-type]
    return found
