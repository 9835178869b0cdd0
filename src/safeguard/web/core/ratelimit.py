"""Fixed-window rate limits, counted in the database: the public concern form, the
sign-in throttle per address, the audit's anonymous refusals, the committee report.

    hit = ratelimit.hit("address", client_ip(request), limit=10, window=3600)
    if hit.exceeded: return 429 with Retry-After: hit.retry_after

Keys hold a SHA-256 of what is counted (an address, a code's digest), never the value.
The count goes up in one statement (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`, on
PostgreSQL and SQLite alike), so that any number of server processes (`safeguard serve
--processes N`), on one machine or several, share one exact count: a read-then-write in a
cache would lose counts when two processes race on one sender. Rows of ended windows are
deleted as new ones come (index on expires_at).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection

from .models import RateCount


@dataclass(frozen=True)
class Hit:
    count: int
    limit: int
    retry_after: int

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


def _key(kind: str, what: str, window: int, now: float) -> tuple[str, int]:
    start = int(now // window) * window
    ident = hashlib.sha256(what.encode("utf-8", "replace")).hexdigest()[:32]
    return f"{kind}:{ident}:{start}", start


def peek(kind: str, what: str, window: int) -> int:
    """How many were counted for (`kind`, `what`) in the current window, counting none."""
    key, _ = _key(kind, what, window, time.time())
    row = RateCount.objects.filter(key=key).values_list("count", flat=True).first()
    return int(row or 0)


def hit(kind: str, what: str, limit: int, window: int) -> Hit:
    """Count one request for (`kind`, `what`) in the current window."""
    now = time.time()
    key, start = _key(kind, what, window, now)
    expires = datetime.fromtimestamp(start + window + 5, tz=UTC)
    table = RateCount._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE expires_at < %s",
                       [adapt(datetime.fromtimestamp(now, tz=UTC))])
        cursor.execute(
            f"INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "
            f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [key, adapt(expires)])
        count = int(cursor.fetchone()[0])
    return Hit(count=count, limit=limit, retry_after=max(1, int(start + window - now)))
