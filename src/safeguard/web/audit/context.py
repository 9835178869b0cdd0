"""Where a request came from: the client address and user agent the audit records."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

USER_AGENT_MAX = 300


def _normalise(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind a reverse proxy (SAFEGUARD_BEHIND_PROXY), the address the
    proxy appended last to X-Forwarded-For: earlier entries are the client's to forge."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return _normalise(hops[-1])
    return _normalise(request.META.get("REMOTE_ADDR", ""))


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX]
