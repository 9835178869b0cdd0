"""Grading an item or its whole group, settling a disputed category, correcting a final
category, and exporting the final categories as VICS.

A grade is posted by the page's script (JSON back: the grader's own grade, the agreement
now that they have graded, the exhibit's counts) or by the card's plain form (a redirect
back to the page). Each grade, and each export, is recorded in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ... import audit
from ...audit.events import ref_for, session_justification
from ...audit.models import Action
from ...core.policy import Forbidden, signed_in_user
from ...triage_runs.models import latest_done_job
from ..access import get_exhibit_for_review, get_item_for
from ..conf import review_rules
from ..corrections import CorrectionError, correct
from ..grading import grade_items
from ..image_queue import graded_counts
from ..models import Category, ReviewItem
from ..settlement import SettlementError, settle
from ..vics import export_case
from .common import may_correct, may_settle
from .media import no_store

SCOPES = ("item", "group")
# An audit row names at most this many items of a group grading (and says how many).
AUDIT_ITEMS = 1000


@require_POST
def grade(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk)
    exhibit = item.job.exhibit
    grader = signed_in_user(request)
    category = request.POST.get("category", "").upper()
    scope = request.POST.get("scope", "item")
    wants_json = "application/json" in request.headers.get("Accept", "")
    if category not in Category.values or scope not in SCOPES:
        return _answer(request, wants_json, item, 400,
                       "Choose A, B, C or N (not indecent), for the item or its group.")
    if scope == "item" and item.final_category:
        return _answer(request, wants_json, item, 409,
                       f"This item's category is already final "
                       f"({item.get_final_category_display()}).")
    if scope == "item" and item.disputed:
        return _answer(request, wants_json, item, 409,
                       "The graders disagreed on this item: a senior grader settles it, and "
                       "it takes no more grades.")
    rules = review_rules()
    with transaction.atomic():
        targets = (list(ReviewItem.objects.filter(job_id=item.job_id, group=item.group))
                   if scope == "group" else [item])
        outcomes = grade_items(targets, grader, category, via_group=scope == "group",
                               needed=rules.graders_needed)
        changed = [outcome.item.pk for outcome in outcomes if outcome.changed]
        finals = {outcome.item.pk: outcome.item.final_category for outcome in outcomes
                  if outcome.item.final_category}
        disputed = [outcome.item.pk for outcome in outcomes
                    if outcome.item.disputed and not outcome.was_disputed]
        audit.record(request, Action.CREATE, exhibit, page="review grade", job=item.job_id,
                     item=item.pk, category=category, scope=scope,
                     graded=len(changed), items=changed[:AUDIT_ITEMS],
                     final=dict(list(finals.items())[:AUDIT_ITEMS]),
                     disputed=disputed[:AUDIT_ITEMS])
    this = next(outcome for outcome in outcomes if outcome.item.pk == item.pk)
    text = (f"Graded {Category(category).label}"
            + (f" for {len(changed)} item(s) of the group" if scope == "group" else "")
            + f". {this.agreement.text}")
    if not wants_json:
        messages.success(request, text)
        return _back(request, item)
    counts = graded_counts(item.job)
    return JsonResponse({
        "item": item.pk,
        "mine": category,
        "scope": scope,
        "graded": len(changed),
        "skipped_final": sum(outcome.was_final for outcome in outcomes),
        "skipped_disputed": sum(outcome.was_disputed for outcome in outcomes),
        "agreement": this.agreement.text,
        "final": this.item.final_category,
        "disputed": this.item.disputed,
        "message": text,
        "counts_html": render_to_string("review/_counts.html", {"counts": counts}, request),
    })


def _answer(request: HttpRequest, wants_json: bool, item: ReviewItem, status: int,
            message: str) -> HttpResponse:
    if wants_json:
        return JsonResponse({"error": message}, status=status)
    messages.error(request, message)
    return _back(request, item)


def _back(request: HttpRequest, item: ReviewItem) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("review:exhibit_queue", args=[item.job.exhibit_id])
    return HttpResponseRedirect(target)


@require_POST
def correct_category(request: HttpRequest, pk: int) -> HttpResponse:
    """A senior reviewer corrects an item's final category, with the reason."""
    return _senior_decision(request, pk, may=may_correct, what="correct a final category",
                            decide=correct, failure=CorrectionError, page="review correction",
                            detail="previous")


@require_POST
def settle_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    """A senior grader settles a disputed item's category, with the reason."""
    return _senior_decision(request, pk, may=may_settle, what="settle a disputed category",
                            decide=settle, failure=SettlementError, page="review settlement",
                            detail="votes")


def _senior_decision(request: HttpRequest, pk: int, *, may: Callable[[Any], bool], what: str,
                     decide: Callable[..., list[Any]], failure: type[Exception], page: str,
                     detail: str) -> HttpResponse:
    """A senior's category for an item and its copies (a correction or a settlement):
    refused to other roles, audited with the reason and what it replaced."""
    item = get_item_for(request, pk)
    exhibit = item.job.exhibit
    user = signed_in_user(request)
    if not may(user):
        raise Forbidden(ref_for(exhibit), f"role {user.role} may not {what}")
    category = request.POST.get("category", "").upper()
    try:
        with transaction.atomic():
            made = decide(item, user, category, request.POST.get("reason", ""))
            audit.record(request, Action.UPDATE, exhibit, page=page, job=item.job_id,
                         item=item.pk, category=category, reason=made[0].reason,
                         items=[m.item_id for m in made][:AUDIT_ITEMS],
                         **{detail: getattr(made[0], detail)})
    except failure as exc:
        messages.error(request, str(exc))
        return _back(request, item)
    copies = f" and {len(made) - 1} cop{'y' if len(made) == 2 else 'ies'} of it" \
        if len(made) > 1 else ""
    messages.success(request, f"Item {item.pk}{copies}: {item.agreement}.")
    return _back(request, item)


@require_POST
def export_vics(request: HttpRequest, pk: int) -> HttpResponse:
    """The final A/B/C categories of the exhibit's new material, as a VICS 2.0 case."""
    exhibit = get_exhibit_for_review(request, pk)
    if not session_justification(request, exhibit):
        return redirect("review:exhibit_queue", pk=exhibit.pk)  # which asks for the reason
    job = latest_done_job(exhibit)
    if job is None:
        messages.error(request, "No finished triage: nothing to export.")
        return redirect("review:exhibit_queue", pk=exhibit.pk)
    rules = review_rules()
    with transaction.atomic():
        text, count = export_case(exhibit, job, rules.vics_category_codes,
                                  rules.graders_needed)
        audit.record(request, Action.EXPORT, exhibit, page="review export", job=job.pk,
                     format="VICS 2.0 UK", media=count)
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    name = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in exhibit.reference)
    no_store(response, f"{name}-graded.vics.json")
    response["Content-Disposition"] = f'attachment; filename="{name}-graded.vics.json"'
    return response
