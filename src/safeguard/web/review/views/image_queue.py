"""The review queue of an exhibit (one card per near-duplicate group) and a group's page.

Both pages show blurred greyscale previews only; revealing one item is a separate,
recorded request (views/media.py). Agreement between graders is shown on a card only to
someone who has graded it, or once its category is final or disputed (no anchoring: a
disputed item takes no more grades).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from ... import audit
from ...audit.models import Action
from ...core.audit_pages.justification import require_justification
from ...core.policy import signed_in_user
from ...triage_runs.models import latest_done_job
from ..access import get_exhibit_for_review, get_item_for
from ..conf import review_rules
from ..image_queue import SHOW, Page, ensure_items, graded_counts, group_page, lead_page
from ..ordering import REASONS
from .common import welfare_context


def exhibit_queue(request: HttpRequest, pk: int) -> HttpResponse:
    exhibit = get_exhibit_for_review(request, pk)
    if (asked := require_justification(request, exhibit)) is not None:
        return asked
    user = signed_in_user(request)
    show = request.GET.get("show", "todo")
    show = show if show in SHOW else "todo"
    after, before = request.GET.get("after", ""), request.GET.get("before", "")
    job = latest_done_job(exhibit)
    context: dict[str, Any] = {"exhibit": exhibit, "job": job, "show": show,
                               **welfare_context(request, user)}
    if job is None:
        audit.record(request, Action.VIEW, exhibit, page="review queue", job=None)
        return render(request, "review/image_queue.html", context)
    queue = ensure_items(job)
    page = lead_page(job, user, show=show, size=review_rules().page_size, after=after,
                     before=before)
    audit.record(request, Action.VIEW, exhibit, page="review queue", job=job.pk, show=show,
                 after=after, before=before, items=[item.pk for item in page.items])
    context.update({
        "queue": queue,
        "cards": cards(page),
        "counts": graded_counts(job, queue=queue),
        "next_url": _url(show, "after", page.next_after),
        "previous_url": _url(show, "before", page.previous_before),
        "shows": [("todo", "To grade"), ("all", "All groups"), ("final", "Final"),
                  ("disputed", "Disputed")],
        **reveal_context(request),
    })
    return render(request, "review/image_queue.html", context)


def item_group(request: HttpRequest, pk: int) -> HttpResponse:
    """The near-duplicate group of an item: every copy, a page at a time."""
    item = get_item_for(request, pk, reason=False)
    exhibit = item.job.exhibit
    if (asked := require_justification(request, exhibit)) is not None:
        return asked
    user = signed_in_user(request)
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        after = 0
    page = group_page(item, user, size=review_rules().page_size, after=after)
    audit.record(request, Action.VIEW, exhibit, page="review group", job=item.job_id,
                 item=item.pk, group=item.group, after=after,
                 items=[member.pk for member in page.items])
    return render(request, "review/group.html", {
        "exhibit": exhibit,
        "job": item.job,
        "item": item,
        "cards": cards(page),
        "counts": graded_counts(item.job),
        "next_url": f"?after={page.next_after}" if page.next_after else "",
        **reveal_context(request),
        **welfare_context(request, user),
    })


def cards(page: Page) -> list[dict[str, Any]]:
    """What a card shows: the item, this user's grade, and the agreement if they may see it.

    The item's URLs are made here from one reversed prefix rather than by a dozen `{% url %}`
    tags per card (which took half of a page's rendering time)."""
    prefix = reverse("review:item_group", args=[0]).removesuffix("0/")
    shown = []
    for item in page.items:
        mine = page.mine.get(item.pk, "")
        base = f"{prefix}{item.pk}/"
        shown.append({
            "item": item,
            "file": item.file,
            "mine": mine,
            "agreement": (item.agreement
                          if (mine or item.final_category or item.disputed) else ""),
            "reasons": [REASONS.get(reason, reason) for reason in item.reason_list],
            "group_url": base,
            "grade_url": f"{base}grade/",
            "blurred_url": f"{base}blurred.jpg",
            "revealed_url": f"{base}revealed.jpg",
            "frames_url": f"{base}frames.jpg" if item.is_video else "",
        })
    return shown


def reveal_context(request: HttpRequest) -> dict[str, Any]:
    """The no-script way to reveal: `?reveal=ID` shows that one card revealed."""
    try:
        revealed_item = int(request.GET.get("reveal", ""))
    except ValueError:
        revealed_item = 0
    kept = urlencode([(key, str(value)) for key, value in request.GET.items()
                      if key != "reveal"])
    return {"revealed_item": revealed_item, "reveal_base": f"{kept}&" if kept else ""}


def _url(show: str, key: str, cursor: str) -> str:
    return "?" + urlencode({"show": show, key: cursor}) if cursor else ""


