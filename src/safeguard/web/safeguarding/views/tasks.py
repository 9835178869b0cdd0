"""Tasks across agencies: the inbox (an agency's and a person's, overdue first; the
front door's queue is its referral decisions), a task with the minimum of its record,
accepting or declining it, recording the assignee's part, allocating it to a person,
and the holder's re-assignment or revocation. A child's closure and reopening live here
too: like a task, they change who works on the child."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ... import audit
from ...accounts.models import User
from ...audit.events import session_justification
from ...audit.models import Action
from ...core import formats
from ...core.clock import now
from ...core.policy import get_assigned_for, get_object_for, is_assignee, signed_in_user
from ..forms.tasks import AllocateForm, AssignForm, ClosureForm, RespondForm
from ..handoffs import SPECS, due_label, due_of, finish, inbox, is_overdue
from ..models import Child
from ..models.tasks import OPEN, Task, TaskEvent, TaskEventKind, TaskKind, TaskStatus
from ..need_to_know import READ_ROLES, WRITE_ROLES, open_record, require_reader
from .common import form_page, open_for_view, record_list_view


def task_inbox(request: HttpRequest) -> HttpResponse:
    user = require_reader(request)
    show = request.GET.get("show", "open")
    kind = request.GET.get("kind", "")
    mine = request.GET.get("mine") == "1"
    tasks = Task.objects.filter(assigned_agency_id=user.agency_id, revoked_at__isnull=True)
    if show == "open":
        tasks = tasks.filter(status__in=OPEN)
    if kind in TaskKind.values:
        tasks = tasks.filter(kind=kind)
    if mine:
        tasks = tasks.filter(assigned_to=user)
    tasks = tasks.select_related("child", "owning_agency", "assigned_to")
    # What the agency asked of others, still open: the holder's side of each hand-off.
    set_by_us = (Task.objects.filter(owning_agency_id=user.agency_id, status__in=OPEN,
                                     revoked_at__isnull=True)
                 .exclude(assigned_agency_id=user.agency_id)
                 .select_related("child", "assigned_agency"))
    rows = inbox(tasks)
    record_list_view(request, "tasks", show=show, kind=kind, mine=mine, count=len(rows))
    return render(request, "safeguarding/task_inbox.html", {
        "rows": rows, "set_by_us": inbox(set_by_us), "show": show, "kind": kind,
        "mine": mine, "kinds": TaskKind.choices, "front_door": kind == TaskKind.REFERRAL_DECISION,
        "overdue": sum(1 for r in rows if r.overdue),
    })


def _open_task(request: HttpRequest, pk: int) -> Task:
    return get_object_for(request, Task, pk, roles=READ_ROLES)


def _minimum(task: Task) -> list[tuple[str, Any]]:
    """The child's and the record's fields the work needs, as label and shown value."""
    spec = SPECS.get(task.kind)
    if spec is None or task.record is None:
        return []
    rows: list[tuple[str, Any]] = []
    for obj, names in ((task.child, spec.child_fields), (task.record, spec.record_fields)):
        for name in names:
            label = str(getattr(obj._meta.get_field(name), "verbose_name", name))
            display = getattr(obj, f"get_{name}_display", None)
            value = display() if callable(display) else getattr(obj, name)
            if isinstance(value, datetime):
                value = formats.moment(value)
            elif isinstance(value, date):
                value = formats.day(value)
            if value not in (None, ""):
                rows.append((label.capitalize(), str(value)))
    return rows


def _audit_minimum(request: HttpRequest, task: Task, page: str) -> None:
    """The assignee consulted the child and the record through the task: a view event on
    each, with the fields shown and the task's reason."""
    spec = SPECS.get(task.kind)
    if spec is None or task.record is None:
        return
    reason = session_justification(request, task)
    audit.record(request, Action.VIEW, task.child, reason, via_task=task.pk, page=page,
                 fields=list(spec.child_fields))
    audit.record(request, Action.VIEW, task.record, reason, via_task=task.pk, page=page,
                 fields=list(spec.record_fields))


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _open_task(request, pk)
    user = signed_in_user(request)
    if (asked := open_for_view(request, task)) is not None:
        return asked
    assignee = is_assignee(user, task)
    owner = task.owning_agency_id == user.agency_id
    if assignee and not owner:
        _audit_minimum(request, task, "task")
    due = due_of(task)
    writer = user.role in WRITE_ROLES
    return render(request, "safeguarding/task_detail.html", {
        "task": task, "due": due_label(due), "overdue": is_overdue(task, due), "owner": owner,
        "minimum": _minimum(task), "events": task.events.select_related("by", "agency"),
        "can_respond": assignee and writer and task.status == TaskStatus.OFFERED,
        "can_record": assignee and writer and task.is_open and task.kind in SPECS,
        "can_allocate": assignee and writer and task.is_open,
        "can_assign": owner and writer and task.status != TaskStatus.DONE,
        "record_url": _record_url(task) if owner else "",
        "spec": SPECS.get(task.kind),
    })


def _record_url(task: Task) -> str:
    names = {TaskKind.REFERRAL_DECISION: "referral_detail",
             TaskKind.RETURN_INTERVIEW: "episode_detail",
             TaskKind.HOST_NOTIFICATION: "child_detail"}
    name = names.get(task.kind)  # type: ignore[call-overload]
    return reverse(f"safeguarding:{name}", args=[task.record_id]) if name else ""


def _event(request: HttpRequest, task: Task, kind: str, reason: str = "", *,
           fields: list[str], **details: Any) -> None:
    user = signed_in_user(request)
    task.save(update_fields=[*fields, "updated_at"])
    TaskEvent.objects.create(task=task, kind=kind, by=user, reason=reason,
                             agency=details.pop("agency", None))
    audit.record(request, Action.UPDATE, task, event=kind, fields=fields, **details)


@require_http_methods(["GET", "POST"])
def task_respond(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_assigned_for(request, Task, pk, roles=WRITE_ROLES)
    if task.status != TaskStatus.OFFERED:
        messages.error(request, f"The task is {task.get_status_display().lower()}: there is "
                                "nothing to accept or decline.")
        return redirect("safeguarding:task_detail", pk=task.pk)
    if request.method == "GET" and (asked := open_for_view(request, task)) is not None:
        return asked
    form = RespondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted = form.cleaned_data["answer"] == "accept"
        with transaction.atomic():
            task.status = TaskStatus.ACCEPTED if accepted else TaskStatus.DECLINED
            _event(request, task, TaskEventKind.ACCEPTED if accepted else TaskEventKind.DECLINED,
                   form.cleaned_data["reason"].strip(), fields=["status"], status=task.status)
        messages.success(request, "Accepted the task." if accepted else
                         f"Declined the task: {task.owning_agency} is told why.")
        if accepted:
            return redirect("safeguarding:task_detail", pk=task.pk)
        return redirect("safeguarding:task_inbox")
    return form_page(request, f"Accept or decline: {task}", [form], subject=task,
                     cancel=reverse("safeguarding:task_detail", args=[task.pk]))


@require_http_methods(["GET", "POST"])
def task_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The assignee's part, in the record's own fields and no others."""
    task = get_assigned_for(request, Task, pk, roles=WRITE_ROLES)
    spec = SPECS.get(task.kind)
    if spec is None or not task.is_open or task.record is None:
        messages.error(request, "This task has nothing to record here.")
        return redirect("safeguarding:task_detail", pk=task.pk)
    if request.method == "GET":
        if (asked := open_for_view(request, task)) is not None:
            return asked
        _audit_minimum(request, task, "task part")
    user = signed_in_user(request)
    form = spec.form(request.POST or None, instance=task.record)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            record = form.save(commit=False)
            spec.settle(record, user)
            record.save()
            audit.record(request, Action.UPDATE, record, fields=sorted(form.changed_data),
                         via_task=task.pk)
            if task.status == TaskStatus.OFFERED:  # recording the work accepts it
                task.status = TaskStatus.ACCEPTED
            _event(request, task, TaskEventKind.RECORDED, fields=["status"],
                   recorded=sorted(form.changed_data))
            if spec.done(record):
                finish(request, task, user)
        messages.success(request, "Recorded." + (" The task is done." if spec.done(task.record)
                                                 else ""))
        return redirect("safeguarding:task_detail", pk=task.pk)
    return form_page(request, f"{task.get_kind_display()} for {task.child}", [form],
                     subject=task, intro=spec.intro,
                     cancel=reverse("safeguarding:task_detail", args=[task.pk]))


@require_http_methods(["GET", "POST"])
def task_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_assigned_for(request, Task, pk, roles=WRITE_ROLES)
    user = signed_in_user(request)
    if request.method == "GET" and (asked := open_for_view(request, task)) is not None:
        return asked
    form = AllocateForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        person: User = form.cleaned_data["person"]
        with transaction.atomic():
            task.assigned_to = person
            _event(request, task, TaskEventKind.ALLOCATED, f"Allocated to {person}",
                   fields=["assigned_to"], person=person.username)
        messages.success(request, f"Allocated to {person}.")
        return redirect("safeguarding:task_detail", pk=task.pk)
    return form_page(request, f"Allocate: {task}", [form], subject=task,
                     cancel=reverse("safeguarding:task_detail", args=[task.pk]))


@require_http_methods(["GET", "POST"])
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder re-assigns the task to another agency or revokes it (with the reason)."""
    task = get_object_for(request, Task, pk, need="write", roles=WRITE_ROLES)
    if task.status == TaskStatus.DONE or task.revoked_at is not None:
        messages.error(request, "The task is finished: nothing to re-assign or revoke.")
        return redirect("safeguarding:task_detail", pk=task.pk)
    if request.method == "GET" and (asked := open_for_view(request, task)) is not None:
        return asked
    form = AssignForm(request.POST or None, current=task.assigned_agency)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        before = task.assigned_agency
        with transaction.atomic():
            if form.cleaned_data["action"] == "revoke":
                task.status, task.revoked_at = TaskStatus.REVOKED, now()
                _event(request, task, TaskEventKind.REVOKED, reason,
                       fields=["status", "revoked_at"], from_agency=before.name)
                messages.success(request, f"Revoked the task: {before} no longer sees it.")
            else:
                agency = form.cleaned_data["agency"]
                task.assigned_agency, task.assigned_to = agency, None
                task.status = TaskStatus.OFFERED
                _event(request, task, TaskEventKind.REASSIGNED, reason, agency=agency,
                       fields=["assigned_agency", "assigned_to", "status"],
                       from_agency=before.name, to_agency=agency.name)
                messages.success(request, f"Re-assigned to {agency}.")
        return redirect("safeguarding:task_detail", pk=task.pk)
    return form_page(request, f"Re-assign or revoke: {task}", [form], subject=task,
                     intro=f"Now with {task.assigned_agency}. The agency it leaves no longer "
                           "sees it; the reason is kept with the task.",
                     cancel=reverse("safeguarding:task_detail", args=[task.pk]))


@require_http_methods(["GET", "POST"])
def child_closure(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the child's involvement with a reason, or reopen it: the owning agency's."""
    child = open_record(request, Child, pk, need="write")
    if request.method == "GET" and (asked := open_for_view(request, child)) is not None:
        return asked
    closing = child.closed_on is None
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        day, reason = form.cleaned_data["on"], form.cleaned_data["reason"].strip()
        with transaction.atomic():
            if closing:
                child.closed_on, child.closure_reason = day, reason
            else:
                child.closed_on, child.closure_reason = None, ""
            child.save(update_fields=["closed_on", "closure_reason", "updated_at"])
            audit.record(request, Action.UPDATE, child, event="closed" if closing
                         else "reopened", on=day.isoformat(), reason=reason)
        messages.success(request, f"Closed the involvement with {child}." if closing
                         else f"Reopened the involvement with {child}.")
        return redirect("safeguarding:child_detail", pk=child.pk)
    title = f"Close the involvement with {child}" if closing else f"Reopen {child}"
    return form_page(request, title, [form], subject=child, submit="Close" if closing
                     else "Reopen",
                     intro="A closed child leaves the work lists and the at-risk figures; the "
                           "record stays and can be reopened." if closing else
                           f"Closed on {child.closed_on}: {child.closure_reason}",
                     cancel=reverse("safeguarding:child_detail", args=[child.pk]))
