"""API tokens: an agency's supervisors and administrators make and revoke them. A new
token is shown once, on the page that made it; only its digest is kept."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ... import audit
from ...audit.models import Action
from ...core.problems import problems_of
from ..access import TOKEN_ROLES, open_record, require_intelligence
from ..conf import intel_rules
from ..forms import TokenForm
from ..models import ApiToken, new_token


@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user = require_intelligence(request, TOKEN_ROLES)
    form = TokenForm(request.POST or None)
    shown = ""
    made = None
    if request.method == "POST" and form.is_valid():
        token, prefix, digest = new_token()
        with transaction.atomic():
            assert user.agency is not None
            made = ApiToken.objects.create(owning_agency=user.agency, name=form.cleaned_data[
                "name"].strip(), prefix=prefix, digest=digest, created_by=user)
            audit.record(request, Action.CREATE, made, name=made.name, prefix=prefix)
        shown = token
        form = TokenForm()
    else:
        audit.record(request, Action.VIEW, page="api tokens")
    return render(request, "intelligence/tokens.html", {
        "tokens": ApiToken.objects.filter(owning_agency_id=user.agency_id).select_related(
            "created_by", "revoked_by"),
        "form": form, "problems": problems_of(form), "shown": shown, "made": made,
        "rate": intel_rules().api_requests_per_minute,
    }, status=201 if shown else (400 if problems_of(form) else 200))


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = open_record(request, ApiToken, pk, need="write", roles=TOKEN_ROLES)
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.revoked_by = request.user  # type: ignore[assignment]
            token.save(update_fields=["revoked_at", "revoked_by"])
            audit.record(request, Action.UPDATE, token, revoked=True)
        messages.success(request, f"Revoked {token}: requests with it are refused from now.")
    return redirect("intelligence:token_list")
