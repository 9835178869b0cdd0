"""The rate-limit counts: one per sender and window, exact when many requests (from
threads here, from processes in production) count at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from safeguard.web.core import ratelimit
from safeguard.web.core.models import RateCount


@pytest.mark.django_db
def test_counts_per_sender_and_window_and_never_the_value() -> None:
    for expected in (1, 2, 3):
        assert ratelimit.hit("address", "192.0.2.7", limit=2, window=3600).count == expected
    assert ratelimit.hit("address", "192.0.2.7", limit=2, window=3600).exceeded
    assert ratelimit.hit("address", "192.0.2.8", limit=2, window=3600).count == 1
    assert ratelimit.hit("code", "192.0.2.7", limit=2, window=3600).count == 1
    assert not RateCount.objects.filter(key__contains="192.0.2").exists()
    # A window that has ended is cleared away by the next hit.
    RateCount.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert ratelimit.hit("address", "192.0.2.9", limit=2, window=3600).count == 1
    assert RateCount.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_lose_no_count() -> None:
    def hammer() -> None:
        try:
            for _ in range(20):
                ratelimit.hit("address", "198.51.100.1", limit=1000, window=3600)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ratelimit.hit("address", "198.51.100.1", limit=1000, window=3600).count == 161
