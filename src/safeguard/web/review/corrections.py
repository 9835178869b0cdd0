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
    return f"Corrected: {Category(category).label} (was {Category(previous).label})"


def correct(item: ReviewItem, by: User, category: str, reason: str) -> Correction:
    """Correct `item`'s final category. Call inside a transaction: the item is locked so
    that a correction and a grading cannot interleave."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("correct must run inside transaction.atomic()")
    if category not in Category.values:
        raise CorrectionError("Choose A, B, C or N (not indecent).")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise CorrectionError(f"Give the reason for the correction (at least {MIN_REASON} "
                              "characters).")
    locked = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if not locked.final_category:
        raise CorrectionError("Only a final category can be corrected: this item is still "
                              "being graded.")
    if locked.final_category == category:
        raise CorrectionError(f"The final category is already {Category(category).label}.")
    now = timezone.now()
    made = Correction.objects.create(item=locked, job_id=locked.job_id,
                                     previous=locked.final_category, category=category,
                                     reason=reason, by=by, at=now)
    locked.final_category, locked.corrected, locked.decided_at = category, True, now
    locked.agreement = corrected_text(category, made.previous)
    locked.save(update_fields=["final_category", "corrected", "decided_at", "agreement"])
    item.final_category, item.corrected = locked.final_category, True
    item.agreement, item.decided_at = locked.agreement, now
    return made
