"""The children around a subject: the analyst's assessment (KIRAT-style answers and the
children at the address), the referral to children's social care, and the timeliness."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ... import audit
from ...audit.models import Action
from ...core.audit_pages.justification import require_justification
from ...core.clock import now
from ...core.policy import signed_in_user
from ..access import WORK_ROLES, open_record, require_intelligence
from ..conf import intel_rules
from ..models import ChildAtRisk, ChildRole, ChildStatus, Subject, SubjectStatus
from ..protection.assessment import QUESTIONS, assess, subject_band
from ..protection.children import ANALYST_KEYS
from ..protection.social_care import refer
from ..protection.timeliness import timeliness
from .common import actor_of, form_page

ANSWERS = [("", "Not yet known"), ("yes", "Yes"), ("no", "No")]


class AssessmentForm(forms.Form):
    occupation_access = forms.ChoiceField(label=QUESTIONS["occupation_access"],
                                          choices=ANSWERS, required=False)
    wider_access = forms.ChoiceField(label=QUESTIONS["wider_access"], choices=ANSWERS,
                                     required=False)
    source = forms.CharField(label="Source of these answers", max_length=200,
                             help_text="e.g. PNC and local checks, the employer, a visit.")
    child_first_name = forms.CharField(label="A child at the subject's address: first name",
                                       max_length=100, required=False)
    child_last_name = forms.CharField(label="Last name", max_length=100, required=False)
    child_date_of_birth = forms.DateField(label="Date of birth", required=False,
                                          widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        named = data.get("child_first_name") or data.get("child_last_name")
        if named and not data.get("child_date_of_birth"):
            self.add_error("child_date_of_birth", "Give the child's date of birth.")
        return data


@require_http_methods(["GET", "POST"])
def subject_assess(request: HttpRequest, pk: int) -> HttpResponse:
    subject = open_record(request, Subject, pk, need="write", roles=WORK_ROLES)
    if request.method == "GET" and (asked := require_justification(request, subject)
                                    ) is not None:
        return asked
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = signed_in_user(request)
        source = f"{data['source']} ({user.get_full_name() or user.username})"
        recorded = {key: (data[key] == "yes", source) for key in ANALYST_KEYS if data[key]}
        notes = []
        with transaction.atomic():
            child = None
            if data.get("child_date_of_birth"):
                moment = now()
                child = ChildAtRisk.objects.create(
                    subject=subject, role=ChildRole.HOUSEHOLD, status=ChildStatus.TO_REFER,
                    first_name=data["child_first_name"], last_name=data["child_last_name"],
                    date_of_birth=data["child_date_of_birth"], source=source[:300],
                    district=subject.district, recorded_at=moment,
                    social_care_due_at=moment + timedelta(
                        hours=intel_rules().social_care_referral_hours))
            for assessment in subject.assessments.select_related("referral"):
                kept = {a["key"]: (a["answer"], a["source"]) for a in assessment.answers
                        if a["key"] in ANALYST_KEYS and a["source"] != "not yet asked"}
                kept.update(recorded)
                subject.household_children = ChildAtRisk.objects.filter(
                    subject=subject, role=ChildRole.HOUSEHOLD).count()
                made = assess(assessment.referral, subject, kept)
                if made.assessed_at is None:
                    made.assessed_at, made.assessed_by = now(), user
                    made.save(update_fields=["assessed_at", "assessed_by"])
            subject.band = subject_band(subject)
            subject.save(update_fields=["household_children", "band"])
            audit.record(request, Action.UPDATE, subject, assessment=sorted(recorded),
                         child_added=child is not None, band=subject.band)
            if child is not None:
                notes.append(refer(actor_of(request), child))
        from ..scoring.score import rescore_ids

        rescore_ids([subject.pk])
        messages.success(request, " ".join([f"Assessed: {subject.band or 'no band'}.",
                                            *notes]))
        return redirect("intelligence:subject_detail", pk=subject.pk)
    if request.method == "GET":
        audit.record(request, Action.VIEW, subject, page="assessment form")
    return form_page(request, f"Assess {subject.label}", form, submit="Record the assessment",
                     subject=subject, cancel=subject_url(subject),
                     intro="The analyst's answers complete the assessment of every referral "
                           "about the subject; a child at the address is referred to "
                           "children's social care at once.")


def subject_url(subject: Subject) -> str:
    from django.urls import reverse

    return reverse("intelligence:subject_detail", args=[subject.pk])


@require_POST
def child_refer(request: HttpRequest, pk: int) -> HttpResponse:
    # The child's subject decides who may (another force: 404, as for the subject).
    found = ChildAtRisk.objects.filter(pk=pk).first()
    subject = open_record(request, Subject, found.subject_id if found else 0, need="write",
                          roles=WORK_ROLES)
    child = ChildAtRisk.objects.get(pk=pk, subject=subject)
    if child.subject.status == SubjectStatus.MERGED:
        messages.error(request, "The subject was merged: refer from the one it joined.")
    else:
        messages.info(request, refer(actor_of(request), child))
    return redirect("intelligence:subject_detail", pk=child.subject_id)


def timeliness_page(request: HttpRequest) -> HttpResponse:
    user = require_intelligence(request)
    figures = timeliness(user.agency_id or 0)
    audit.record(request, Action.VIEW, page="timeliness")
    return render(request, "intelligence/timeliness.html", {
        "figures": figures,
        "tables": [("By band", "Band", figures.by_band),
                   ("By month of receipt", "Month", figures.by_month)]})
