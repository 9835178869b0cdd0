"""API tokens: one per agency integration (a national centre's feed, a platform).

The token is shown once, when made; only its SHA-256 is kept (a token is 256 random bits,
so a fast hash is enough: nobody can guess one to test against it). `prefix` (8 hex
characters, also inside the token) names it in lists and the audit without revealing it.
A revoked token stays, stamped, so that the audit's references to it still resolve.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models

from ...core.models import AgencyOwned

TOKEN_PREFIX = "sgi"


class ApiToken(AgencyOwned):
    name = models.CharField(max_length=100, help_text="The integration it is for, e.g. "
                            "\"National centre feed\".")
    prefix = models.CharField(max_length=8, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    # The rate limit: requests in the current one-minute window.
    window_started_at = models.DateTimeField(null=True, blank=True)
    window_requests = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str, str]:
    """(token, prefix, digest) for a new token: `sgi_<prefix>_<secret>`."""
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, token_digest(token)
