"""Work lists: the register's front page, my caseload, everything overdue, children by
risk grade per district, and the partnership's due and overdue board."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ...accounts.models import Role
from ...core.clock import now, today
from ...core.policy import require_role
from ..board import board as board_counts
from ..models.tasks import OPEN, Task
from ..need_to_know import require_reader
from ..worklists import caseload as caseload_lists
from ..worklists import grades_by_district, overdue_items
from .common import record_list_view

# The board counts every agency's records: for the partnership's performance group, not
# for casework (a practitioner's work list is `overdue`, of what the agency may see).
BOARD_ROLES = (Role.SUPERVISOR, Role.ANALYST)


def index(request: HttpRequest) -> HttpResponse:
    user = require_reader(request)
    overdue = overdue_items(request)
    record_list_view(request, "register overview")
    return render(request, "safeguarding/index.html", {
        "overdue_counts": [(kind, len(items)) for kind, items in overdue.items()],
        "overdue_total": sum(len(items) for items in overdue.values()),
        "today": today(), "board": user.role in BOARD_ROLES,
        "open_tasks": Task.objects.filter(assigned_agency_id=user.agency_id, status__in=OPEN,
                                          revoked_at__isnull=True).count(),
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


def board(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    require_role(request, *BOARD_ROLES)
    counts = board_counts(today(), now())
    record_list_view(request, "due and overdue board", overdue=counts["overdue"],
                     due_soon=counts["soon"])
    return render(request, "safeguarding/board.html", {**counts, "now": now()})
