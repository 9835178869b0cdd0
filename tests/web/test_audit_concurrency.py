"""Concurrent writers keep one chain (PostgreSQL: real row locks between connections)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from safeguard.web import audit
from safeguard.web.audit.chain import verify_chain
from safeguard.web.audit.models import Action, AuditEvent

WRITERS = 8
EACH = 25


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_serialises_concurrent_appends() -> None:
    assert connection.vendor == "postgresql"
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                with transaction.atomic():
                    audit.record(None, Action.VIEW, username=f"writer{n}", i=i)
        except BaseException as exc:  # reported below, with the thread's failure
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, WRITERS * EACH + 1))
    result = verify_chain()
    assert result.ok, result.summary()
    assert result.checked == WRITERS * EACH
