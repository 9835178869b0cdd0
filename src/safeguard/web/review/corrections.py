"""A senior reviewer's correction of a final category.

A final category stands against further grading (grading.py); when it is wrong (graders
agreed on B where the material is A, or graded as indecent what is not), a reviewer in
one of the `correction_roles` (review.toml: forensic examiners by default) corrects it,
giving the reason. The graders' grades stay on record as they were; the item's final
category becomes the correction's, the item is marked corrected, and the counts and the
VICS export follow. Each correction is a Correction row, written with its audit event.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..accounts.models import User
from .models import Category, Correction, ReviewItem

MIN_REASON = 10  # characters: a reason a court could read, not "typo"


class CorrectionError(ValueError):
    """Why a correction was refused (shown to the user as it is)."""


def corrected_text(category: str, previous: str) -> str:
    was = f" (was {Category(previous).label})" if previous else ""
    return f"Corrected: {Category(category).label}{was}"


def correct(item: ReviewItem, by: User, category: str, reason: str) -> list[Correction]:
    """Correct the final category of `item` and of every copy of its content in the same
    triage (the category belongs to the picture, not to one of its paths: the export
    counts the content once). Call inside a transaction: the items are locked so that a
    correction and a grading cannot interleave. Returns one Correction per item changed."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("correct must run inside transaction.atomic()")
    if category not in Category.values:
        raise CorrectionError("Choose A, B, C or N (not indecent).")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise CorrectionError(f"Give the reason for the correction (at least {MIN_REASON} "
                              "characters).")
    same = ReviewItem.objects.filter(job_id=item.job_id)
    same = same.filter(content=item.content) if item.content else same.filter(pk=item.pk)
    locked = list(same.select_for_update().order_by("pk"))
    this = next((copy for copy in locked if copy.pk == item.pk), None)
    if this is None or not this.final_category:
        raise CorrectionError("Only a final category can be corrected: this item is still "
                              "being graded.")
    if this.final_category == category:
        raise CorrectionError(f"The final category is already {Category(category).label}.")
    now = timezone.now()
    made = []
    for copy in locked:
        if copy.final_category == category and copy.pk != item.pk:
            continue  # a copy already in the corrected category
        made.append(Correction(item=copy, job_id=copy.job_id, previous=copy.final_category,
                               category=category, reason=reason, by=by, at=now))
        copy.agreement = corrected_text(category, copy.final_category)
        copy.final_category, copy.corrected, copy.decided_at = category, True, now
    Correction.objects.bulk_create(made)
    ReviewItem.objects.bulk_update([c.item for c in made],
                                   ["final_category", "corrected", "decided_at", "agreement"])
    item.final_category, item.corrected = category, True
    item.agreement, item.decided_at = this.agreement, now
    return made
