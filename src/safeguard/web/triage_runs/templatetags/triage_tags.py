"""The triage sections of the exhibit page (investigations lists
triage_runs/_exhibit_panels.html among its EXHIBIT_PANELS): the runs, the latest results,
and the "Run triage" form for those who may start one."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from ...accounts.models import User
from ..access import can_triage
from ..forms import RunTriageForm
from ..models import latest_done_job
from ..worker import hashset_choices

register = template.Library()

# The review app renders its block inside the "Review of new images" section by providing
# this template; until it exists, the section says review is not available.
REVIEW_PANEL_TEMPLATE = "review/_exhibit_panel.html"


@register.simple_tag(takes_context=True)
def triage_exhibit_context(context: template.Context) -> dict[str, Any]:
    exhibit = context["exhibit"]
    request = context.get("request")
    user = getattr(request, "user", None)
    may_triage = isinstance(user, User) and can_triage(user, exhibit)
    form = context.get("triage_form")
    if may_triage and form is None:
        form = RunTriageForm(hashsets=hashset_choices())
    latest = latest_done_job(exhibit)
    return {
        "jobs": exhibit.triage_jobs.select_related("requested_by")[:20],
        "latest": latest,
        "summary": getattr(latest, "summary", None) if latest is not None else None,
        "triage_form": form if may_triage else None,
        "review_panel": review_panel(),
    }


def review_panel() -> str | None:
    try:
        get_template(REVIEW_PANEL_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return REVIEW_PANEL_TEMPLATE
