"""The public concern form's rate-limit counts (ratelimit.py): one row per sender (a hash
of the address or code, never the value) and time window, counted up in one statement so
that every server process, on one machine or several, shares one exact count."""

from __future__ import annotations

from django.db import models


class RateCount(models.Model):
    key = models.CharField(max_length=120, unique=True)  # kind:sha256-prefix:window start
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
