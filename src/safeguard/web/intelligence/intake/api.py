"""POST /api/intelligence/referrals: a referral from an integration, with a bearer token.

    curl -X POST https://safeguard.example/api/intelligence/referrals \\
         -H "Authorization: Bearer sgi_1a2b3c4d_..." -H "Content-Type: application/json" \\
         --data @referral.json

- The only view outside the two-factor sign-in (middleware lets it through by name) and
  the only one without CSRF protection: it reads no cookie, so a browser cannot be made
  to send its credentials. Anything else about the request is checked here.
- 401 without a token, with an unknown one, or with a revoked one (RFC 6750
  `WWW-Authenticate: Bearer error="invalid_token"`); 403 when the token's agency is
  inactive or not police; 429 beyond `api_requests_per_minute` a token (Retry-After);
  413 beyond `api_max_bytes`; 415 unless the body is JSON; 400 with every problem, each
  naming its field; 201 when taken in, 200 when the report ID was already held.
- Every request is audited: access_denied with the reason, or a create of the referral
  by "api token NAME (PREFIX)" in the token's agency.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ...audit.events import Ref
from ...audit.models import Action
from ...core.policy import is_police_agency
from ...core.ratelimit import record_anonymous
from ..conf import intel_rules
from ..models import ApiToken, Channel, token_digest
from .areas import build_resolver
from .auditing import Actor, record
from .matching import Matcher
from .referral_import import import_referral, parse_json
from .schema import SchemaError

WINDOW = timedelta(minutes=1)
REALM = 'Bearer realm="safeguard"'


def _error(status: int, code: str, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": code, "message": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _refuse(request: HttpRequest, status: int, code: str, message: str,
            token: ApiToken | None = None, **headers: str) -> JsonResponse:
    details: dict[str, Any] = {"reason": message, "path": request.path,
                               "method": request.method, "status": status}
    if token is not None:
        record(_actor(request, token), Action.ACCESS_DENIED, token, **details)
    else:
        # No valid token: anyone can send these as fast as they like (rate-limited rows).
        record_anonymous(request, Action.ACCESS_DENIED, Ref("intelligence.apitoken", ""),
                         kind="api", username="api (no valid token)", **details)
    return _error(status, code, message, **headers)


def _actor(request: HttpRequest, token: ApiToken) -> Actor:
    return Actor(token.owning_agency, request=request, name=f"api token {token}")


def _authenticate(request: HttpRequest) -> ApiToken | JsonResponse:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return _refuse(request, 401, "unauthorized", "an Authorization: Bearer token is "
                       "needed", WWW_Authenticate=REALM)
    token = ApiToken.objects.select_related("owning_agency").filter(
        digest=token_digest(credential.strip())).first()
    if token is None:
        return _refuse(request, 401, "invalid_token", "the token is not known",
                       WWW_Authenticate=f'{REALM}, error="invalid_token"')
    if token.revoked_at is not None:
        return _refuse(request, 401, "invalid_token", "the token was revoked", token,
                       WWW_Authenticate=f'{REALM}, error="invalid_token", '
                                        'error_description="revoked"')
    agency = token.owning_agency
    if not is_police_agency(agency):
        return _refuse(request, 403, "forbidden", "the token's agency may not send "
                       "intelligence", token)
    return token


def _rate_limited(token: ApiToken, limit: int) -> int:
    """Seconds to wait, or 0 and the request is counted (one-minute windows)."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        moment = timezone.now()
        if locked.window_started_at is None or moment - locked.window_started_at >= WINDOW:
            locked.window_started_at, locked.window_requests = moment, 0
        if locked.window_requests >= limit:
            left = WINDOW - (moment - locked.window_started_at)
            return max(1, math.ceil(left.total_seconds()))
        locked.window_requests += 1
        locked.last_used_at = moment
        locked.save(update_fields=["window_started_at", "window_requests", "last_used_at"])
    return 0


@csrf_exempt
def referrals(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return _error(405, "method_not_allowed", "POST a referral", Allow="POST")
    found = _authenticate(request)
    if isinstance(found, JsonResponse):
        return found
    token = found
    rules = intel_rules()
    wait = _rate_limited(token, rules.api_requests_per_minute)
    if wait:
        return _refuse(request, 429, "rate_limited", f"more than "
                       f"{rules.api_requests_per_minute} requests a minute", token,
                       Retry_After=str(wait))
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > rules.api_max_bytes:
        return _refuse(request, 413, "too_large", f"the body is larger than "
                       f"{rules.api_max_bytes} bytes", token)
    if request.content_type != "application/json":
        return _refuse(request, 415, "unsupported_media_type",
                       "send Content-Type: application/json", token)
    actor = _actor(request, token)
    try:
        document = parse_json(request.body)
        resolver = build_resolver()
        with Matcher.configured() as matcher:
            outcome = import_referral(actor, document, channel=Channel.API, matcher=matcher,
                                      resolver=resolver, token_id=token.pk)
    except SchemaError as exc:
        record(actor, Action.ACCESS_DENIED, token, reason="referral not valid",
               path=request.path, method=request.method, status=400,
               errors=[str(e) for e in exc.errors[:20]])
        return JsonResponse({"error": "invalid", "message": "the referral is not valid",
                             "errors": [e.as_dict() for e in exc.errors]}, status=400)
    referral = outcome.referral
    body = {"status": "duplicate" if outcome.duplicate else "created", "id": referral.pk,
            "report_id": referral.report_id}
    return JsonResponse(body, status=200 if outcome.duplicate else 201)
