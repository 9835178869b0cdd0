"""The public concern form (`/partners/report/`): no account, a business's access code.

What it promises the people who use it, and what it keeps from everyone else:

- It reveals nothing the platform holds: it never names the business a code belongs to,
  and a valid, a revoked and an unknown code get the same answer (a redirect to the same
  thank-you page). Reports sent with a revoked or unknown code are kept, marked so, in
  the police queue: a concern is never lost because a card was out of date.
- It is rate limited (ratelimit.py) per client address (an IPv6 client by its /64, the
  block one customer is given) and per code: 429 with Retry-After beyond the limit
  (conf.py, SAFEGUARD_CONCERN_LIMIT_*). Reports with codes nobody issued are also capped
  per hour from all addresses together: beyond it they are kept but held out of the open
  queue, and answered like any other (the answer never tells a code's standing).
- It is validated (public_form.py), refuses bodies over MAX_BODY bytes with 413, has a
  honeypot field, and CSRF protection on the form page (session-held token, as
  everywhere on the site).
- It says how the reporter's information is used (`privacy`, `/partners/report/privacy/`:
  DPA 2018 s44, UK GDPR Art 13), linked from the form and the thank-you page.
- The middleware lets these two URLs through without a sign-in
  (middleware._OPEN_URL_NAMES).
"""

from __future__ import annotations

import ipaddress
import logging

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ... import audit
from ...audit.context import client_ip
from ...audit.models import Action
from ...core import ratelimit
from .. import codes
from ..access import receiving_agency
from ..conf import privacy_notice_url, rate_limits
from ..models import AccessCode, CodeStatus, ConcernReport
from ..public_form import ConcernForm

log = logging.getLogger("safeguard.partners")

# Comfortably above the largest valid form (about 8,000 characters of fields, each up
# to 4 bytes in UTF-8, percent-encoded): anything bigger is not a concern report.
MAX_BODY = 64 * 1024
FIELDS = ["what_happened", "when_seen", "where_seen", "people", "vehicles",
          "reporter_name", "reporter_phone", "may_contact"]


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if request.GET.get("sent"):
            return render(request, "partners/public_thanks.html")
        # A link from the card carries the code; only a well-formed one is put back into
        # the page (nothing else from the address is echoed).
        typed = codes.normalise(request.GET.get("code", ""))
        form = ConcernForm(initial={"code": codes.grouped(typed) if typed else ""})
        return render(request, "partners/public_form.html", {"form": form})

    if _body_length(request) > MAX_BODY:
        return render(request, "partners/public_refused.html",
                      {"reason": "That report is too long to send."}, status=413)
    limits = rate_limits()
    by_address = ratelimit.hit("address", sender(client_ip(request)),
                               limits.per_address, limits.window)
    if by_address.exceeded:
        return _too_many(request, by_address)
    form = ConcernForm(request.POST)
    if form.is_robot:
        return _thanks()
    if not form.is_valid():
        return render(request, "partners/public_form.html", {"form": form}, status=400)
    code = form.cleaned_data["code"]
    by_code = ratelimit.hit("code", codes.digest(code), limits.per_code, limits.window)
    if by_code.exceeded:
        return _too_many(request, by_code)
    if _store(request, code, form) is None:
        return render(request, "partners/public_refused.html", {
            "reason": "Reports cannot be taken here at the moment."}, status=503)
    return _thanks()


@require_http_methods(["GET"])
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice of the form: the controller is the force that receives the
    reports (the one receiving_agency picks for a report without a police-owned
    business), named from its agency record, as the form routes them."""
    force = receiving_agency(None)
    return render(request, "partners/public_privacy.html", {
        "force": force.name if force is not None else "",
        "full_notice": privacy_notice_url(),
    })


def sender(address: str) -> str:
    """What the per-address limit counts: an IPv4 address, or an IPv6 client's /64 (one
    customer's block: counting single addresses there would let a client rotate through
    2^64 of them)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _body_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return MAX_BODY + 1


def _thanks() -> HttpResponse:
    return HttpResponseRedirect(f"{reverse('partners:report')}?sent=1", status=303)


def _too_many(request: HttpRequest, hit: ratelimit.Hit) -> HttpResponse:
    response = render(request, "partners/public_refused.html", {
        "reason": "Too many reports have been sent from here in a short time.",
        "retry_minutes": max(1, hit.retry_after // 60),
    }, status=429)
    response["Retry-After"] = str(hit.retry_after)
    return response


def _store(request: HttpRequest, code: str, form: ConcernForm) -> ConcernReport | None:
    found = (AccessCode.objects.select_related("business__owning_agency")
             .filter(code_hash=codes.digest(code)).first())
    business = found.business if found is not None else None
    if found is None:
        limits = rate_limits()
        flood = ratelimit.hit("unknown-codes", "all", limits.unknown_codes, limits.window)
        status = CodeStatus.HELD if flood.exceeded else CodeStatus.UNKNOWN
    elif found.revoked_at is not None:
        status = CodeStatus.REVOKED
    else:
        status = CodeStatus.VALID
    agency = receiving_agency(business.owning_agency if business is not None else None)
    if agency is None:
        log.error("a concern report arrived but no active police agency exists to take it")
        return None
    now = timezone.now()
    with transaction.atomic():
        concern = ConcernReport(owning_agency=agency, received_at=now, business=business,
                                code_status=status,
                                **{name: form.cleaned_data[name] for name in FIELDS})
        concern.save()
        if found is not None and status == CodeStatus.VALID:
            found.last_used_at = now
            found.save(update_fields=["last_used_at"])
        audit.record(request, Action.CREATE, concern, username="public concern form",
                     code_status=status)
    return concern
