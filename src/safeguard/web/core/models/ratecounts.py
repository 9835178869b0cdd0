"""Rate-limit counts (core/ratelimit.py): one row per sender (a hash of the address or
code, never the value) and time window, counted up in one statement so that every server
process, on one machine or several, shares one exact count. The sign-in throttle, the
anonymous refusals in the audit, the committee report and the public concern form use it.

The table kept its first name (`partners_ratecount`) when the model moved here.
"""

from __future__ import annotations

from django.db import models


class RateCount(models.Model):
    key = models.CharField(max_length=120, unique=True)  # kind:sha256-prefix:window start
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "partners_ratecount"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
