"""The apps the statistics read beyond the safeguarding register and partners, detected
in this one place, so that the figures work whether or not they are installed.

- triage runs (`safeguard.web.triage_runs`): exhibits triaged — an exhibit counts once
  in a period when a triage of it finished (status done) in the period.
- review (`safeguard.web.review`): images graded — review items of type image whose
  final category was decided in the period.

Each function returns None when its app is not installed or its models lack the fields
read here (an app being changed): the measure then reads "not available" with the reason,
and every other figure is computed as usual.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .periods import Period

TRIAGE_RUNS = "safeguard.web.triage_runs"
REVIEW = "safeguard.web.review"


def installed(app: str) -> bool:
    return apps.is_installed(app)


def _model(app: str, label: str, fields: tuple[str, ...]) -> type[models.Model] | None:
    if not installed(app):
        return None
    try:
        model = apps.get_model(label)
        for name in fields:
            model._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return None
    return model


def exhibits_triaged(period: Period) -> int | None:
    job = _model(TRIAGE_RUNS, "triage_runs.TriageJob",
                 ("exhibit", "status", "finished_at"))
    if job is None:
        return None
    return (job._default_manager.filter(status="done", finished_at__gte=period.first_moment,
                                        finished_at__lt=period.after)
            .values("exhibit").distinct().count())


def images_graded(period: Period) -> int | None:
    item = _model(REVIEW, "review.ReviewItem", ("file_type", "final_category", "decided_at"))
    if item is None:
        return None
    return (item._default_manager.filter(file_type="image", decided_at__gte=period.first_moment,
                                         decided_at__lt=period.after)
            .exclude(final_category="").count())


def unavailable_reason(app: str) -> str:
    name = app.rsplit(".", 1)[-1].replace("_", " ")
    if not installed(app):
        return f"the {name} app is not installed"
    return f"the {name} app's records are not in the form expected"
