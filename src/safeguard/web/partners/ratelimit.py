"""Fixed-window rate limits in Django's cache, for the public concern form.

    hit = limiter.hit("address", client_ip(request), limit=10)
    if hit.exceeded: return 429 with Retry-After: hit.retry_after

Keys hold a SHA-256 of what is counted (an address, a code's digest), never the value.
The default cache is in the memory of each server process: one `safeguard serve` process,
one count. `serve --processes N` keeps the counts in the database cache instead
(SAFEGUARD_CACHE=database), so that all its processes share them; a deployment running
servers on several machines does the same.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache

PREFIX = "safeguard:partners:rate"


@dataclass(frozen=True)
class Hit:
    count: int
    limit: int
    retry_after: int

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


def hit(kind: str, what: str, limit: int, window: int) -> Hit:
    """Count one request for (`kind`, `what`) in the current window."""
    now = time.time()
    start = int(now // window) * window
    ident = hashlib.sha256(what.encode("utf-8", "replace")).hexdigest()[:32]
    key = f"{PREFIX}:{kind}:{ident}:{start}"
    # add() is a no-op when the key exists. incr() is atomic in the memory cache (one
    # process); in Django's database cache it is a read then a write, so processes racing
    # on one key can lose counts: with N processes a sender gets at most about N times the
    # limit, never an unlimited number.
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        count = 1
    return Hit(count=count, limit=limit, retry_after=max(1, int(start + window - now)))
