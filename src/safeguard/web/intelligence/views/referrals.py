"""Referrals: the list, one referral, and the import pages (referrals and sightings)."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ... import audit
from ...audit.models import Action
from ...core.audit_pages.justification import require_justification
from ...core.models import Area
from ...core.params import record_id
from ...core.problems import problems_of
from ..access import IMPORT_ROLES, open_record, require_intelligence
from ..forms import ReferralUploadForm, SightingUploadForm
from ..intake.ncmec_import import import_ncmec
from ..intake.referral_import import FileResult, import_referrals
from ..intake.schema import SchemaError
from ..intake.sighting_import import SightingFileError, check_strict, import_stream
from ..models import Assessment, Channel, Referral, SightingImport
from .common import actor_of

PAGE_SIZE = 50
MAX_REFERRAL_UPLOAD = 20 * 1024 * 1024
MAX_SIGHTING_UPLOAD = 200 * 1024 * 1024


def referral_list(request: HttpRequest) -> HttpResponse:
    user = require_intelligence(request)
    referrals = Referral.objects.filter(owning_agency_id=user.agency_id).select_related(
        "district")
    text = request.GET.get("q", "").strip()[:100]
    if text:
        referrals = referrals.filter(report_id__icontains=text)
    district = request.GET.get("district", "")
    if (district_id := record_id(district)) is not None:
        referrals = referrals.filter(district_id=district_id)
    page = Paginator(referrals.order_by("-incident_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    audit.record(request, Action.VIEW, page="referrals", q=text, district=district)
    return render(request, "intelligence/referral_list.html", {
        "page": page, "q": text, "district": district,
        "districts": Area.objects.filter(active=True),
    })


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = open_record(request, Referral, pk)
    if (asked := require_justification(request, referral)) is not None:
        return asked
    audit.record(request, Action.VIEW, referral)
    return render(request, "intelligence/referral_detail.html", {
        "referral": referral,
        "files": referral.files.select_related("file"),
        "links": referral.links.select_related("subject", "matched").order_by("kind", "value"),
        "document": json.dumps(referral.document, indent=2, ensure_ascii=False),
        "assessment": Assessment.objects.filter(referral=referral).first(),
        "children": referral.children.all(),
    })


def _recent(agency_id: int) -> dict[str, Any]:
    return {
        "imports": SightingImport.objects.filter(owning_agency_id=agency_id)[:10],
        "recent": Referral.objects.filter(owning_agency_id=agency_id).exclude(
            channel=Channel.API).order_by("-received_at", "-pk")[:10],
    }


def _is_ncmec(upload: UploadedFile) -> bool:
    """XML or a ZIP, by name or by its first bytes (a JSON file starts otherwise)."""
    head = upload.read(64).lstrip()
    upload.seek(0)
    name = (upload.name or "").lower()
    return name.endswith((".xml", ".zip")) or head.startswith((b"<", b"PK\x03\x04"))


def _import_ncmec_upload(request: HttpRequest, upload: UploadedFile, strict: bool
                         ) -> FileResult:
    # The reader takes a path (a package may be a ZIP): the upload is written to a private
    # temporary folder under its own base name (which may carry the report number).
    with tempfile.TemporaryDirectory(prefix="safeguard-ncmec-") as folder:
        path = Path(folder) / (Path(upload.name or "report.xml").name or "report.xml")
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        return import_ncmec(actor_of(request), path, channel=Channel.PAGE, strict=strict)


@require_http_methods(["GET", "POST"])
def referral_import(request: HttpRequest) -> HttpResponse:
    user = require_intelligence(request, IMPORT_ROLES)
    form = ReferralUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        if upload.size > MAX_REFERRAL_UPLOAD:
            form.add_error("document", "Larger than 20 MB: use `safeguard intel "
                                       "import-referrals` on the server.")
        elif _is_ncmec(upload):
            result = _import_ncmec_upload(request, upload, form.cleaned_data["strict"])
            messages.info(request, f"{result.created} report(s) taken in, "
                                   f"{result.duplicates} already held, "
                                   f"{result.invalid} refused.")
        else:
            try:
                data = json.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                form.add_error("document", f"Not a JSON file: {exc}")
            else:
                result = import_referrals(actor_of(request), data, channel=Channel.PAGE,
                                          strict=form.cleaned_data["strict"])
                messages.info(request, f"{result.created} referral(s) taken in, "
                                       f"{result.duplicates} already held, "
                                       f"{result.invalid} refused.")
    elif request.method == "GET":
        audit.record(request, Action.VIEW, page="referral import")
    return render(request, "intelligence/import.html", {
        "form": form, "problems": problems_of(form), "result": result, "kind": "referrals",
        "title": "Import referrals", **_recent(user.agency_id or 0),
    }, status=400 if problems_of(form) or (result and not result.ok) else 200)


@require_http_methods(["GET", "POST"])
def sighting_import(request: HttpRequest) -> HttpResponse:
    user = require_intelligence(request, IMPORT_ROLES)
    form = SightingUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        if upload.size > MAX_SIGHTING_UPLOAD:
            form.add_error("document", "Larger than 200 MB: use `safeguard intel "
                                       "import-sightings` on the server.")
        else:
            try:
                text = io.TextIOWrapper(upload.file, encoding="utf-8", newline="")
                if form.cleaned_data["strict"]:
                    check_strict(text, upload.name)
                    text.seek(0)
                result = import_stream(actor_of(request), text, upload.name,
                                       source=form.cleaned_data["source"])
            except (SightingFileError, SchemaError, UnicodeDecodeError) as exc:
                form.add_error("document", str(exc))
            else:
                messages.info(request, f"{result.imported} sighting(s) imported, "
                                       f"{result.skipped} skipped.")
    elif request.method == "GET":
        audit.record(request, Action.VIEW, page="sighting import")
    return render(request, "intelligence/import.html", {
        "form": form, "problems": problems_of(form), "sightings": result,
        "kind": "sightings", "title": "Import sightings", **_recent(user.agency_id or 0),
    }, status=400 if problems_of(form) else 200)
