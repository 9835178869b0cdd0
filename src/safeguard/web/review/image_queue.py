"""The review queue of a job: its items built once from the triage's rows, pages of group
leads in keyset order, and the counts the exhibit shows.

    queue = ensure_items(job)                    # once per job, under a row lock
    page = lead_page(job, user, show="todo", after="57.1234")
    counts = graded_counts(job)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ..accounts.models import User
from ..triage_runs.models import TriageJob, TriageSummary, review_queue
from .carry_over import carry_over
from .conf import review_rules
from .models import INDECENT, Category, Grade, ReviewItem, ReviewQueue
from .ordering import score

BATCH = 5000
SHOW = ("todo", "all", "final", "disputed")


def ensure_items(job: TriageJob) -> ReviewQueue:
    """Build the job's review items if nobody has: one per row of the triage's review
    condition (investigations.review_queue), scored, with each group's lead marked."""
    queue = ReviewQueue.objects.filter(job=job, built_at__isnull=False).first()
    if queue is not None:
        return queue
    with transaction.atomic():
        queue, _created = ReviewQueue.objects.get_or_create(job=job)
        queue = ReviewQueue.objects.select_for_update().get(pk=queue.pk)
        if queue.built_at is not None:  # built by another request while we waited
            return queue
        items, groups = _build(job)
        # The graders' work on an earlier triage of the exhibit is not lost.
        carry_over(job, review_rules().graders_needed)
        queue.items, queue.groups, queue.built_at = items, groups, timezone.now()
        queue.save(update_fields=["items", "groups", "built_at"])
    return queue


def _build(job: TriageJob) -> tuple[int, int]:
    rows = review_queue(job).values_list(
        "id", "group", "path", "archive", "mime", "size", "deleted", "pdq_quality",
        "file_type", "sha1", "md5",
    )
    members: dict[str, list[ReviewItem]] = defaultdict(list)
    for (pk, group, path, archive, mime, size, deleted, quality, file_type, sha1,
         md5) in rows.iterator(chunk_size=BATCH):
        scored = score(path=path, archive=archive, mime=mime, size=size, deleted=deleted,
                       pdq_quality=quality, file_type=file_type)
        key = group or f"#{pk}"  # every review row has a group; be safe if one has none
        members[key].append(ReviewItem(
            job=job, file_id=pk, file_type=file_type, content=(sha1 or md5)[:40],
            group=key[:40], priority=scored.points, reasons=",".join(scored.reasons),
        ))
    batch: list[ReviewItem] = []
    total = 0
    for group_items in members.values():
        lead = max(group_items, key=lambda item: (item.priority, -item.file_id))
        for item in group_items:
            item.group_size = len(group_items)
            item.is_lead = item is lead
            # A group is ordered by its lead: copies keep their own score for the group page.
        batch.extend(group_items)
        if len(batch) >= BATCH:
            ReviewItem.objects.bulk_create(batch, batch_size=BATCH)
            total += len(batch)
            batch = []
    if batch:
        ReviewItem.objects.bulk_create(batch, batch_size=BATCH)
        total += len(batch)
    return total, len(members)


# ----------------------------------------------------------------------- pages


@dataclass
class Page:
    items: list[ReviewItem]
    next_after: str = ""
    previous_before: str = ""
    mine: dict[int, str] = field(default_factory=dict)  # item id -> this user's grade


def _cursor(item: ReviewItem) -> str:
    return f"{item.priority}.{item.pk}"


def _parse(cursor: str) -> tuple[int, int] | None:
    priority, _, pk = cursor.partition(".")
    try:
        return int(priority), int(pk)
    except ValueError:
        return None


def leads(job: TriageJob, user: User, show: str) -> QuerySet[ReviewItem]:
    """The group leads to list: `todo` (not final, not disputed, not yet graded by this
    user), `all`, or `final`; or `disputed`: every item awaiting a senior grader's
    settlement, lead or copy (a group graded at once can leave a copy disputed alone)."""
    if show == "disputed":
        return ReviewItem.objects.filter(job=job, disputed=True, final_category="")
    items = ReviewItem.objects.filter(job=job, is_lead=True)
    if show == "final":
        return items.exclude(final_category="")
    if show == "todo":
        graded = Grade.objects.filter(item=OuterRef("pk"), grader=user)
        return items.filter(final_category="", disputed=False).exclude(Exists(graded))
    return items


def lead_page(job: TriageJob, user: User, *, show: str, size: int, after: str = "",
              before: str = "") -> Page:
    """One page of group leads, most likely first-generation first: keyset pages on
    (priority descending, id), each an index range read however deep it is."""
    items = leads(job, user, show).select_related("file")
    if before and (key := _parse(before)) is not None:
        priority, pk = key
        chunk = list(items.filter(Q(priority__gt=priority) | Q(priority=priority, id__lt=pk))
                     .order_by("priority", "-id")[: size + 1])
        more_before = len(chunk) > size
        chunk = list(reversed(chunk[:size]))
        page = Page(chunk)
        page.previous_before = _cursor(chunk[0]) if chunk and more_before else ""
        page.next_after = _cursor(chunk[-1]) if chunk else ""
    else:
        if after and (key := _parse(after)) is not None:
            priority, pk = key
            items = items.filter(Q(priority__lt=priority) | Q(priority=priority, id__gt=pk))
        chunk = list(items.order_by("-priority", "id")[: size + 1])
        page = Page(chunk[:size])
        page.next_after = _cursor(chunk[size - 1]) if len(chunk) > size else ""
        page.previous_before = _cursor(chunk[0]) if chunk and after else ""
    page.mine = my_grades(user, page.items)
    return page


def group_page(item: ReviewItem, user: User, *, size: int, after: int = 0) -> Page:
    """The items of `item`'s group in address order, keyset on id."""
    items = (ReviewItem.objects.filter(job_id=item.job_id, group=item.group, id__gt=after)
             .select_related("file").order_by("id"))
    chunk = list(items[: size + 1])
    page = Page(chunk[:size])
    page.next_after = str(chunk[size - 1].pk) if len(chunk) > size else ""
    page.mine = my_grades(user, page.items)
    return page


def my_grades(user: User, items: list[ReviewItem]) -> dict[int, str]:
    return dict(Grade.objects.filter(grader=user, item__in=[item.pk for item in items])
                .values_list("item_id", "category"))


# ---------------------------------------------------------------------- counts


@dataclass
class CategoryCount:
    name: str
    label: str
    matched_images: int = 0
    matched_videos: int = 0
    graded_images: int = 0
    graded_videos: int = 0
    graded_unique: int = 0

    @property
    def total(self) -> int:
        return self.matched_images + self.matched_videos + self.graded_images + self.graded_videos


@dataclass
class Counts:
    rows: list[CategoryCount]
    not_indecent: int
    final: int
    awaiting: int  # a grade or agreement
    items: int
    built: bool
    disputed: int = 0  # awaiting a senior grader's settlement


def graded_counts(job: TriageJob, summary: TriageSummary | None = None,
                  queue: ReviewQueue | None = None) -> Counts:
    """Per category: hash-set matches (the triage's figures) beside the new material whose
    category is final, every copy (and unique contents)."""
    if summary is None:
        summary = TriageSummary.objects.filter(job=job).first()
    matched: dict[str, Any] = dict(summary.categories) if summary is not None else {}
    rows: dict[str, CategoryCount] = {
        str(name): CategoryCount(str(name), Category(name).label) for name in INDECENT}
    for name, figures in matched.items():
        row = rows.setdefault(name, CategoryCount(name, name))
        row.matched_images = int(figures.get("images", 0))
        row.matched_videos = int(figures.get("videos", 0))
    finals = (ReviewItem.objects.filter(job=job).exclude(final_category="")
              .values("final_category", "file_type")
              .annotate(n=Count("id"), unique=Count("content", distinct=True)))
    not_indecent = final = 0
    for entry in finals:
        final += entry["n"]
        if entry["final_category"] == Category.NOT_INDECENT:
            not_indecent += entry["n"]
            continue
        row = rows[entry["final_category"]]
        if entry["file_type"] == "video":
            row.graded_videos += entry["n"]
        else:
            row.graded_images += entry["n"]
        row.graded_unique += entry["unique"]
    if queue is None:
        queue = ReviewQueue.objects.filter(job=job).first()
    waiting = summary.awaiting_review if summary is not None else 0
    disputed = ReviewItem.objects.filter(job=job, disputed=True, final_category="").count()
    return Counts(
        rows=list(rows.values()), not_indecent=not_indecent, final=final,
        awaiting=max(waiting - final - disputed, 0), items=queue.items if queue else waiting,
        built=bool(queue and queue.built_at), disputed=disputed,
    )
