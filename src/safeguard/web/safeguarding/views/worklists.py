"""Work lists: the register's front page, my caseload, everything overdue, and children
by risk grade per district."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..clock import now, today
from ..need_to_know import require_reader
from ..worklists import caseload as caseload_lists
from ..worklists import grades_by_district, overdue_items
from .common import record_list_view


def index(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    overdue = overdue_items(request)
    record_list_view(request, "register overview")
    return render(request, "safeguarding/index.html", {
        "overdue_counts": [(kind, len(items)) for kind, items in overdue.items()],
        "overdue_total": sum(len(items) for items in overdue.values()),
        "today": today(),
    })


def caseload(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    lists = caseload_lists(request)
    record_list_view(request, "my caseload", children=len(lists["children"]))
    return render(request, "safeguarding/caseload.html", {**lists, "today": today()})


def overdue(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    items = overdue_items(request)
    record_list_view(request, "overdue", **{k: len(v) for k, v in items.items()})
    return render(request, "safeguarding/overdue.html", {
        "items": items, "today": today(), "now": now(),
    })


def grades(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    table = grades_by_district(request)
    record_list_view(request, "risk grades by district", children=table["total"])
    return render(request, "safeguarding/grades.html", {**table, "today": today()})
