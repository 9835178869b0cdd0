"""The review's block on the exhibit page (investigations renders review/_exhibit_panel.html
inside its "Review of new images" section when that template exists)."""

from __future__ import annotations

from typing import Any

from django import template

from ..access import can_review
from ..image_queue import graded_counts

register = template.Library()


@register.inclusion_tag("review/_panel_body.html", takes_context=True)
def review_exhibit_panel(context: template.Context) -> dict[str, Any]:
    exhibit = context.get("exhibit")
    job = context.get("latest")
    summary = context.get("summary")
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "exhibit": exhibit,
        "job": job,
        "summary": summary,
        "counts": graded_counts(job, summary) if job is not None else None,
        "may_review": exhibit is not None and can_review(user, exhibit),
        "request": request,
    }
