"""A concern report's licence holder or vehicle, and its referral to the licensing
authority that issued the licence.

The police officer triaging the report links a badge (with its authority), a vehicle
registration or a licence plate (partners:concern_licence_add), then refers it: a
LicensingReferral (core.Assigned) owned by the police agency and assigned to the
authority. The authority's users find it in their referrals list and open its page,
which shows the licence or vehicle and the officer's note, never the report (police
only); they acknowledge it and record what they did. Every view and step is audited
through the policy (get_object_for / get_assigned_for, then audit.record).
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ... import audit
from ...audit.models import Action
from ...core.policy import (
    Forbidden,
    get_assigned_for,
    get_object_for,
    is_assignee,
    signed_in_user,
    visible_to,
)
from ..access import READ_ROLES, WRITE_ROLES, require_reader
from ..licensing_forms import LicenceLinkForm, ReferralForm, ResponseForm
from ..models import (
    ConcernLicence,
    LicensedDriver,
    LicensingReferral,
    ReferralStatus,
)
from .common import record_list_view
from .concern_page import back_to_report, mark_in_progress, open_for_change, report_context


@require_POST
def licence_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = open_for_change(request, pk)
    form = LicenceLinkForm(request.POST, instance=ConcernLicence(report=report))
    if not form.is_valid():
        context = report_context(request, report)
        context["licence_form"] = form
        return render(request, "partners/concern_detail.html", context, status=400)
    link = form.save(commit=False)
    # The driver on record, where the officer's agency holds one with this badge.
    link.driver = _driver_on_record(request, link)
    with transaction.atomic():
        changed = mark_in_progress(request, report)
        link.added_by = signed_in_user(request)
        link.save()
        if changed:
            report.save(update_fields=changed)
        audit.record(request, Action.UPDATE, report, licence_linked=link.pk,
                     driver=link.driver_id)
    return back_to_report(report)


@require_POST
def licence_remove(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    report = open_for_change(request, pk)
    link = report.licence_links.filter(pk=link_pk).first()
    if link is not None:
        if LicensingReferral.objects.filter(link=link).exists():
            raise Forbidden(audit.Ref(report._meta.label_lower, str(report.pk)),
                            "referred to the licensing authority: the link stays")
        with transaction.atomic():
            audit.record(request, Action.UPDATE, report, licence_unlinked=link.pk)
            link.delete()
    return back_to_report(report)


@require_POST
def refer(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    report = open_for_change(request, pk)
    link = report.licence_links.select_related("licensing_authority").filter(
        pk=link_pk).first()
    if link is None or LicensingReferral.objects.filter(link=link).exists():
        return back_to_report(report)
    if not link.licensing_authority.active:
        raise Forbidden(audit.Ref(report._meta.label_lower, str(report.pk)),
                        "the licensing authority is no longer on the platform")
    form = ReferralForm(request.POST)
    if not form.is_valid():
        context = report_context(request, report)
        context.update(refused_link=link.pk, refused_form=form)
        return render(request, "partners/concern_detail.html", context, status=400)
    user = signed_in_user(request)
    with transaction.atomic():
        referral = LicensingReferral.objects.create(
            owning_agency=report.owning_agency, created_by=user,
            assigned_agency=link.licensing_authority, link=link,
            note=form.cleaned_data["note"])
        audit.record(request, Action.CREATE, referral, report=report.pk,
                     authority=link.licensing_authority_id)
        audit.record(request, Action.UPDATE, report, referred=referral.pk)
    return HttpResponseRedirect(reverse("partners:referral_detail", args=[referral.pk]))


def referral_list(request: HttpRequest) -> HttpResponse:
    """The police see the referrals they sent; an authority those sent to it."""
    require_reader(request)
    referrals = visible_to(request, LicensingReferral).select_related(
        "owning_agency", "assigned_agency", "link").order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    if status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    record_list_view(request, "licensing referrals", status=status)
    return render(request, "partners/referral_list.html", {
        "referrals": referrals[:200], "status": status, "statuses": ReferralStatus.choices,
    })


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_for(request, LicensingReferral, pk, roles=READ_ROLES)
    audit.record(request, Action.VIEW, referral)
    return _detail(request, referral)


def _detail(request: HttpRequest, referral: LicensingReferral,
            form: ResponseForm | None = None, status: int = 200) -> HttpResponse:
    user = signed_in_user(request)
    link = referral.link
    assignee = is_assignee(user, referral) and user.role in WRITE_ROLES
    # The driver as the viewer's own agency holds them (the authority's record, for it).
    driver = _driver_on_record(request, link)
    return render(request, "partners/referral_detail.html", {
        "referral": referral, "link": link, "driver": driver,
        "sender": referral.owning_agency_id == user.agency_id,
        "can_acknowledge": assignee and referral.status == ReferralStatus.SENT,
        "response_form": (form or ResponseForm(instance=referral))
        if assignee and referral.status != ReferralStatus.RESPONDED else None,
    }, status=status)


def _driver_on_record(request: HttpRequest, link: ConcernLicence) -> LicensedDriver | None:
    """The driver with the link's badge and authority that the viewer may see, if any."""
    if not link.badge_number:
        return None
    return visible_to(request, LicensedDriver).filter(
        licensing_authority=link.licensing_authority,
        badge_number=link.badge_number).order_by("pk").first()


@require_POST
def referral_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_assigned_for(request, LicensingReferral, pk, roles=WRITE_ROLES)
    if referral.status == ReferralStatus.SENT:
        with transaction.atomic():
            referral.status = ReferralStatus.ACKNOWLEDGED
            referral.acknowledged_at = timezone.now()
            referral.save(update_fields=["status", "acknowledged_at", "updated_at"])
            audit.record(request, Action.UPDATE, referral, fields=["status"],
                         status=referral.status)
    return HttpResponseRedirect(reverse("partners:referral_detail", args=[referral.pk]))


@require_POST
def referral_respond(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_assigned_for(request, LicensingReferral, pk, roles=WRITE_ROLES)
    if referral.status == ReferralStatus.RESPONDED:
        raise Forbidden(audit.Ref(referral._meta.label_lower, str(referral.pk)),
                        "the authority's action is recorded already")
    form = ResponseForm(request.POST, instance=referral)
    if not form.is_valid():
        return _detail(request, referral, form, status=400)
    with transaction.atomic():
        referral = form.save(commit=False)
        now = timezone.now()
        referral.status = ReferralStatus.RESPONDED
        referral.acknowledged_at = referral.acknowledged_at or now
        referral.responded_at = now
        referral.responded_by = signed_in_user(request)
        referral.save()
        audit.record(request, Action.UPDATE, referral, fields=["status", "outcome"],
                     outcome=referral.outcome)
    return HttpResponseRedirect(reverse("partners:referral_detail", args=[referral.pk]))
