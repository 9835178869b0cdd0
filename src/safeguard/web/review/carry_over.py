"""Grades carried to a re-run triage of the same exhibit.

An exhibit triaged again (new hash sets, a damaged image re-acquired, an interrupted run
redone) gets a new queue built from the new job. The graders' work on the earlier queue
is not lost: when the new queue is built, every item whose content (SHA-1, else MD5) was
graded on an earlier triage of the exhibit receives those grades, each grader's latest
for that content, marked `carried_from` the job they were given on; agreement, final
categories and disputes are then worked out by the same rule as live grading. A senior
grader's settlement of the content's dispute is carried too, and so is a correction of
its final category, which stands over both. Nothing is carried between exhibits: the same
picture on another suspect's device is graded afresh.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from django.utils import timezone

from ..triage_runs.models import TriageJob
from .corrections import corrected_text
from .grading import agreement_of
from .models import Correction, Grade, ReviewItem, Settlement
from .settlement import settled_text

BATCH = 5000


class Earlier(NamedTuple):
    category: str
    via_group: bool
    at: datetime
    job_id: int


def carry_over(job: TriageJob, needed: int) -> int:
    """Carry earlier grades, settlements and corrections to `job`'s items (just built);
    returns the number of items that received any."""
    earlier_jobs = TriageJob.objects.filter(exhibit_id=job.exhibit_id, pk__lt=job.pk)
    grades: dict[str, dict[int, Earlier]] = defaultdict(dict)  # content -> grader -> grade
    for content, grader, category, via_group, at, job_id in (
            Grade.objects.filter(job__in=earlier_jobs).exclude(item__content="")
            .order_by("job_id", "at", "id")
            .values_list("item__content", "grader_id", "category", "via_group", "at",
                         "job_id").iterator(chunk_size=BATCH)):
        grades[content][grader] = Earlier(category, via_group, at, job_id)  # latest wins
    corrections: dict[str, Correction] = {}
    for correction in (Correction.objects.filter(job__in=earlier_jobs)
                       .exclude(item__content="").select_related("item").order_by("at", "id")):
        corrections[correction.item.content] = correction
    settlements: dict[str, Settlement] = {}
    for settlement in (Settlement.objects.filter(job__in=earlier_jobs)
                       .exclude(item__content="").select_related("item").order_by("at", "id")):
        settlements[settlement.item.content] = settlement  # the latest wins
    if not grades and not corrections and not settlements:
        return 0
    wanted = list(set(grades) | set(corrections) | set(settlements))
    now = timezone.now()
    new_grades: list[Grade] = []
    new_settlements: list[Settlement] = []
    new_corrections: list[Correction] = []
    changed: list[ReviewItem] = []
    for start in range(0, len(wanted), BATCH):
        for item in ReviewItem.objects.filter(job=job, content__in=wanted[start:start + BATCH]):
            given = grades.get(item.content, {})
            for grader, earlier in given.items():
                new_grades.append(Grade(item=item, job=job, grader_id=grader,
                                        category=earlier.category, via_group=earlier.via_group,
                                        at=earlier.at, carried_from_id=earlier.job_id))
            agreement = agreement_of((e.category for e in given.values()), needed)
            item.grade_count, item.agreement = agreement.total, agreement.text
            item.final_category = agreement.final
            item.disputed = agreement.disputed
            item.decided_at = now if agreement.final else None
            settled = settlements.get(item.content)
            if settled is not None and not item.final_category:
                votes = agreement.votes if agreement.disputed else ""
                new_settlements.append(Settlement(
                    item=item, job=job, votes=votes, category=settled.category,
                    reason=settled.reason, by_id=settled.by_id, at=settled.at,
                    carried_from_id=settled.job_id))
                item.final_category, item.settled, item.decided_at = settled.category, True, now
                item.agreement = settled_text(settled.category, votes)
            fix = corrections.get(item.content)
            if fix is not None:
                new_corrections.append(Correction(
                    item=item, job=job, previous=item.final_category or fix.previous,
                    category=fix.category, reason=fix.reason, by_id=fix.by_id, at=fix.at,
                    carried_from_id=fix.job_id))
                item.final_category, item.corrected, item.decided_at = fix.category, True, now
                item.agreement = corrected_text(fix.category, new_corrections[-1].previous)
            changed.append(item)
    Grade.objects.bulk_create(new_grades, batch_size=BATCH)
    Settlement.objects.bulk_create(new_settlements, batch_size=BATCH)
    Correction.objects.bulk_create(new_corrections, batch_size=BATCH)
    ReviewItem.objects.bulk_update(changed, ["grade_count", "agreement", "final_category",
                                             "disputed", "settled", "decided_at", "corrected"],
                                   batch_size=BATCH)
    return len(changed)
