"""A subject's profile and the work on it: details, decisions, merge, split, and opening
an investigation. Opening any of them asks for the reason first (DPA 2018 s62)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ... import audit
from ...audit.models import Action
from ...core.audit_pages.justification import require_justification
from ...core.audit_pages.views import access_log_url
from ...core.clock import now
from ...core.policy import (
    Forbidden,
    access_level,
    can_see_access_log,
    signed_in_user,
    visible_to,
)
from ...investigations.models import Operation
from ...safeguarding.models import AdultOfConcern, Child
from ..access import CASE_ROLES, WORK_ROLES, open_record
from ..forms import DecisionForm, InvestigationForm, MergeForm, SplitForm, SubjectForm
from ..linking.profiles import ProfileError, merge, split
from ..models import (
    DECISION_STATUS,
    OPEN_STATUSES,
    Band,
    Decision,
    DecisionKind,
    KeptApart,
    Referral,
    Sighting,
    Subject,
    SubjectFile,
    SubjectStatus,
)
from ..protection.children import reassess
from ..scoring.cases import open_investigation, seized_exhibits
from ..scoring.reopening import clear_reopened
from ..scoring.score import NOTE, explain, rescore_ids, with_scores
from .common import actor_of, form_page

RECENT_SIGHTINGS = 50


def _score(subject: Subject) -> float:
    annotated = with_scores(Subject.objects.filter(pk=subject.pk), now()).get()
    return float(annotated.live_score)


def subject_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = open_record(request, Subject, pk)
    if (asked := require_justification(request, subject)) is not None:
        return asked
    audit.record(request, Action.VIEW, subject)
    user = signed_in_user(request)
    moment = now()
    annotated = with_scores(Subject.objects.filter(pk=subject.pk), moment).get()
    files = (SubjectFile.objects.filter(subject=subject)
             .values("file__hashset", "file__category").annotate(n=Count("file_id"))
             .order_by("file__hashset", "file__category"))
    kept = KeptApart.objects.filter(first=subject).values_list("second_id", flat=True)
    kept_back = KeptApart.objects.filter(second=subject).values_list("first_id", flat=True)
    adult = subject.adult_of_concern
    child = subject.child
    return render(request, "intelligence/subject_detail.html", {
        "subject": subject,
        "explanation": explain(annotated, moment),
        "note": NOTE,
        "links": subject.links.select_related("referral", "matched", "matched__referral",
                                              "linked_by").order_by("kind", "value",
                                                                    "first_seen_at"),
        "referrals": Referral.objects.filter(links__subject=subject).distinct()
        .select_related("district").order_by("-incident_at"),
        "sightings": Sighting.objects.filter(subject=subject).select_related(
            "district", "file").order_by("-observed_at")[:RECENT_SIGHTINGS],
        "files": files,
        "decisions": Decision.objects.filter(subject=subject).select_related("decided_by"),
        "exhibits": seized_exhibits(subject),
        "merged_from": Subject.objects.filter(merged_into=subject),
        "kept_apart": Subject.objects.filter(pk__in=list(kept) + list(kept_back)),
        "adult_visible": adult is not None and access_level(user, adult) is not None,
        "child_visible": child is not None and access_level(user, child) is not None,
        "may_work": user.role in WORK_ROLES and subject.status != SubjectStatus.MERGED,
        "may_open_case": (user.role in CASE_ROLES and subject.investigation_id is None
                          and subject.status != SubjectStatus.MERGED),
        "access_log_url": access_log_url(subject) if can_see_access_log(user, subject) else "",
        "recent_limit": RECENT_SIGHTINGS,
        "assessments": subject.assessments.select_related("referral").order_by(
            "-received_at", "-pk"),
        "children": subject.children_at_risk.all(),
        "band_label": dict(Band.choices).get(subject.band, subject.band),
    })


def _working(request: HttpRequest, pk: int, roles: tuple[str, ...] = WORK_ROLES
             ) -> tuple[Subject, HttpResponse | None]:
    subject = open_record(request, Subject, pk, need="write", roles=roles)
    if subject.status == SubjectStatus.MERGED:
        raise Forbidden(audit.Ref(subject._meta.label_lower, str(subject.pk), str(subject)),
                        "merged into another profile: work on that one")
    if request.method == "GET" and (asked := require_justification(
            request, subject)) is not None:
        return subject, asked
    return subject, None


def _cancel(subject: Subject) -> str:
    return reverse("intelligence:subject_detail", args=[subject.pk])


@require_http_methods(["GET", "POST"])
def subject_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subject, asked = _working(request, pk)
    if asked is not None:
        return asked
    form = SubjectForm(request.POST or None, instance=subject,
                       adults=visible_to(request, AdultOfConcern).order_by("last_name"),
                       children=visible_to(request, Child).order_by("last_name"))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            reassess(subject)
            rescore_ids([subject.pk])
            audit.record(request, Action.UPDATE, subject, fields=sorted(form.changed_data))
        messages.success(request, f"Saved {subject.label}.")
        return redirect("intelligence:subject_detail", pk=subject.pk)
    if request.method == "GET":
        audit.record(request, Action.VIEW, subject, page="edit form")
    return form_page(request, f"Change {subject.label}", form, cancel=_cancel(subject),
                     subject=subject, intro="Links to the safeguarding register feed the "
                     "\"access to children\" factor of the score.")


@require_http_methods(["GET", "POST"])
def subject_decide(request: HttpRequest, pk: int) -> HttpResponse:
    subject, asked = _working(request, pk)
    if asked is not None:
        return asked
    form = DecisionForm(request.POST or None, subject_is_child=subject.is_child)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        with transaction.atomic():
            decision = Decision.objects.create(
                subject=subject, kind=kind, reason=form.cleaned_data["reason"],
                other_force=form.cleaned_data.get("other_force", "").strip(),
                score=_score(subject), decided_by=signed_in_user(request))
            subject.status = DECISION_STATUS[kind]
            if subject.is_child and subject.status in OPEN_STATUSES:
                # A child never goes into the offender queue, whatever is decided.
                subject.status = SubjectStatus.SAFEGUARDING
            if kind == DecisionKind.OUTCOME_21:
                subject.outcome = "21"
            subject.save(update_fields=["status", "outcome", *clear_reopened(subject)])
            # The clock: the first decision after a referral is its action.
            subject.assessments.filter(actioned_at__isnull=True).update(actioned_at=now())
            audit.record(request, Action.UPDATE, subject, decision=kind,
                         reason=decision.reason, other_force=decision.other_force,
                         score=round(decision.score, 1))
        messages.success(request, f"Recorded: {decision.get_kind_display()}.")
        return redirect("intelligence:subject_detail", pk=subject.pk)
    if request.method == "GET":
        audit.record(request, Action.VIEW, subject, page="decision form")
    return form_page(request, f"Decision on {subject.label}", form, cancel=_cancel(subject),
                     subject=subject, submit="Record the decision")


@require_http_methods(["GET", "POST"])
def subject_merge(request: HttpRequest, pk: int) -> HttpResponse:
    subject, asked = _working(request, pk)
    if asked is not None:
        return asked
    form = MergeForm(request.POST or None, subject=subject)
    if request.method == "POST" and form.is_valid():
        assert form.target is not None
        # The profile merged into must be the user's to change as well.
        target = open_record(request, Subject, form.target.pk, need="write", roles=WORK_ROLES)
        try:
            merge(actor_of(request), subject, target, reason=form.cleaned_data["reason"])
        except ProfileError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Merged {subject.label} into {target.label}.")
            return redirect("intelligence:subject_detail", pk=target.pk)
    if request.method == "GET":
        audit.record(request, Action.VIEW, subject, page="merge form")
    return form_page(request, f"Merge {subject.label}", form, cancel=_cancel(subject),
                     subject=subject, submit="Merge",
                     intro="Everything on this profile moves to the other one; this one is "
                     "kept, marked merged, with its history.")


@require_http_methods(["GET", "POST"])
def subject_split(request: HttpRequest, pk: int) -> HttpResponse:
    subject, asked = _working(request, pk)
    if asked is not None:
        return asked
    form = SplitForm(request.POST or None, subject=subject)
    if request.method == "POST" and form.is_valid():
        try:
            new = split(actor_of(request), subject, [int(v) for v in form.cleaned_data["links"]],
                        reason=form.cleaned_data["reason"])
        except ProfileError as exc:
            form.add_error("links", str(exc))
        else:
            messages.success(request, f"Split {new.label} from {subject.label}; the two are "
                             "kept apart from now on.")
            return redirect("intelligence:subject_detail", pk=new.pk)
    if request.method == "GET":
        audit.record(request, Action.VIEW, subject, page="split form")
    return form_page(request, f"Split {subject.label}", form, cancel=_cancel(subject),
                     subject=subject, submit="Split",
                     intro="The identifiers chosen, with the sightings they brought, become "
                     "a new profile. An email address, telephone number, user name or "
                     "client ID moves with all its links; an IP address one episode at a "
                     "time.")


@require_http_methods(["GET", "POST"])
def subject_investigate(request: HttpRequest, pk: int) -> HttpResponse:
    subject, asked = _working(request, pk, roles=CASE_ROLES)
    if asked is not None:
        return asked
    if subject.investigation_id is not None:
        messages.info(request, "An investigation is open for this subject already.")
        return redirect("investigations:investigation_detail", pk=subject.investigation_id)
    user = signed_in_user(request)
    operations = visible_to(request, Operation).filter(owning_agency_id=user.agency_id)
    form = InvestigationForm(request.POST or None, operations=operations,
                             agency_id=user.agency_id or 0, initial={
                                 "reference": f"INT-{subject.pk:06d}",
                                 "title": f"Intelligence lead {subject.label}"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        investigation = open_investigation(
            actor_of(request), subject, reference=data["reference"], title=data["title"],
            reason=data["reason"], score=_score(subject), opened_on=now().date(),
            operation=data["operation"])
        messages.success(request, f"Opened {investigation} from {subject.label}.")
        return redirect("investigations:investigation_detail", pk=investigation.pk)
    if request.method == "GET":
        audit.record(request, Action.VIEW, subject, page="investigation form")
    return form_page(request, f"Open an investigation from {subject.label}", form,
                     cancel=_cancel(subject), subject=subject,
                     submit="Open the investigation",
                     intro="Creates the investigation and a suspect (the subject's "
                     "identifiers in its notes) and takes the subject off the queue. "
                     "Exhibits later seized from that suspect feed this profile.")

