"""Child abduction warning notices: the list, serving one (police), opening one, reviews,
withdrawal and expiry, breaches."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ... import audit
from ...audit.models import Action
from ...core.clock import local_date, today
from ...core.params import record_id
from ...core.policy import signed_in_user
from .. import legal_status
from ..conf import local_rules
from ..forms.notices import BreachForm, NoticeForm, NoticeStatusForm
from ..models import AdultOfConcern, NoticeChild, NoticeStatus, WarningNotice
from ..need_to_know import (
    for_viewer,
    open_record,
    require_police_writer,
    visible_children,
    visible_records,
)
from ..rules import NoticeBasis, add_months
from .common import form_page, open_for_view, record_context, record_list_view, save_new


def notice_list(request: HttpRequest) -> HttpResponse:
    notices = visible_records(request, WarningNotice).select_related("adult").prefetch_related(
        "links__child")
    status = request.GET.get("status", NoticeStatus.ACTIVE)
    if status in NoticeStatus.values:
        notices = notices.filter(status=status)
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    record_list_view(request, "warning notices", status=status)
    visible = set(visible_children(request).values_list("pk", flat=True))
    return render(request, "safeguarding/notice_list.html", {
        "page": page, "status": status, "statuses": NoticeStatus.choices, "today": today(),
        "visible_children": visible,
    })


@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest) -> HttpResponse:
    user = require_police_writer(request)
    adults = visible_records(request, AdultOfConcern)
    initial: dict[str, object] = {"served_by_name": user.get_full_name()}
    if (adult_id := record_id(request.GET.get("adult", ""))) is not None:
        initial["adult"] = adult_id
    form = NoticeForm(request.POST or None, adults=adults,
                      children=visible_children(request).select_related("district"),
                      initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            notice = form.save(commit=False)
            notice.served_by = user
            notice.review_due = add_months(local_date(notice.served_at),
                                           local_rules().notice_review_months)
            save_new(request, notice, review_due=notice.review_due.isoformat(),
                     children={str(pk): basis.value for pk, (basis, _) in form.bases.items()})
            chosen = {child.pk: child for child in form.cleaned_data["children"]}
            links = []
            for pk, (basis, age) in form.bases.items():
                link = NoticeChild(notice=notice, child=chosen[pk], basis=basis.value,
                                   age_when_served=age)
                # A notice entered late may already have lapsed (the child left care).
                link.set_protection(legal_status.left_care_after(chosen[pk], local_date(
                    notice.served_at)) if basis == NoticeBasis.CHILDREN_ACT_S49 else None)
                links.append(link)
            NoticeChild.objects.bulk_create(links)
        messages.success(request, "Recorded the warning notice.")
        return redirect("safeguarding:notice_detail", pk=notice.pk)
    return form_page(request, "Child abduction warning notice", [form],
                     intro="Under 16: Child Abduction Act 1984 s2 (not on a parent, guardian "
                           "or person with parental responsibility: s2(2)). Under 18 and in "
                           "care on the date served: Children Act 1989 s49. The basis is "
                           "checked for each child; breaching a notice is not itself an "
                           "offence, the notice is evidence for the offences of s2 and s49.",
                     cancel=reverse("safeguarding:notice_list"))


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = open_record(request, WarningNotice, pk)
    if (asked := open_for_view(request, notice)) is not None:
        return asked
    user = signed_in_user(request)
    visible = set(visible_children(request).values_list("pk", flat=True))
    adult_visible = visible_records(request, AdultOfConcern).filter(pk=notice.adult_id).exists()
    return render(request, "safeguarding/notice_detail.html", {
        "notice": notice, "adult": for_viewer(user, notice.adult),
        "adult_visible": adult_visible,
        "links": notice.links.select_related("child"), "visible_children": visible,
        "breaches": notice.breaches.select_related("child", "recorded_by"),
        "today": today(), **record_context(request, notice),
    })


@require_http_methods(["GET", "POST"])
def notice_status(request: HttpRequest, pk: int) -> HttpResponse:
    notice = open_record(request, WarningNotice, pk, need="write")
    if request.method == "GET" and (asked := open_for_view(request, notice)) is not None:
        return asked
    form = NoticeStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        with transaction.atomic():
            if action == "review":
                notice.review_due = add_months(today(), local_rules().notice_review_months)
                notice.save(update_fields=["review_due", "updated_at"])
                audit.record(request, Action.UPDATE, notice, reason, reviewed=True,
                             review_due=notice.review_due.isoformat())
            else:
                notice.status, notice.status_changed_on = action, today()
                notice.status_reason = reason
                notice.save(update_fields=["status", "status_changed_on", "status_reason",
                                           "updated_at"])
                audit.record(request, Action.UPDATE, notice, reason, status=action)
        messages.success(request, "Saved.")
        return redirect("safeguarding:notice_detail", pk=notice.pk)
    return form_page(request, "Review, withdraw or expire the notice", [form], subject=notice,
                     cancel=reverse("safeguarding:notice_detail", args=[notice.pk]))


@require_http_methods(["GET", "POST"])
def breach_add(request: HttpRequest, pk: int) -> HttpResponse:
    notice = open_record(request, WarningNotice, pk, need="write")
    if request.method == "GET" and (asked := open_for_view(request, notice)) is not None:
        return asked
    form = BreachForm(request.POST or None, notice=notice)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            breach = form.save(commit=False)
            breach.notice, breach.recorded_by = notice, signed_in_user(request)
            breach.save()
            audit.record(request, Action.UPDATE, notice, breach=breach.pk)
        messages.success(request, "Recorded the breach.")
        return redirect("safeguarding:notice_detail", pk=notice.pk)
    return form_page(request, "Breach of the warning notice", [form], subject=notice,
                     cancel=reverse("safeguarding:notice_detail", args=[notice.pk]))
