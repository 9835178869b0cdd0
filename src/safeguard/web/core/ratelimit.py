"""Fixed-window rate limits, counted in the database: the public concern form, the
sign-in throttle per address, the audit's anonymous refusals (`record_anonymous`,
below), the committee report.

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
from typing import Any

from django.db import connection, models
from django.http import HttpRequest

from ..audit.context import client_ip
from ..audit.events import Ref, record
from ..audit.models import AuditEvent
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


# Refusals of clients that are not signed in (API calls without a valid token, forged
# forms, failed sign-ins) come as fast as anyone can send them, and each audit row takes
# the chain's lock: per address and hour, the first KEEP_ANONYMOUS are recorded one by
# one, then only a count at every power of ten (100, 1,000 ...), so the rows stay few
# and the log still says how many there were.
KEEP_ANONYMOUS = 10
ANONYMOUS_WINDOW = 3600


def record_anonymous(
    request: HttpRequest, action: str, obj: models.Model | Ref | None = None,
    justification: str = "", *, kind: str, username: str = "", **details: Any,
) -> AuditEvent | None:
    """record() for a refusal of a client that is not signed in, rate-limited per address
    (`kind` names what is counted: "api", "csrf", "sign-in"); None when only counted."""
    counted = hit(f"audit-{kind}", client_ip(request), KEEP_ANONYMOUS, ANONYMOUS_WINDOW)
    if counted.count > KEEP_ANONYMOUS:
        if not _power_of_ten(counted.count):
            return None
        details.update(counted=counted.count, note=(
            f"{counted.count} such refusals from this address this hour; the first "
            f"{KEEP_ANONYMOUS} are recorded one by one, then a count at every power of ten"))
    return record(request, action, obj, justification, username=username, **details)


def _power_of_ten(number: int) -> bool:
    text = str(number)
    return text[0] == "1" and set(text[1:]) <= {"0"}
