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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_writer_that_looked_before_the_head_was_made_still_appends() -> None:
    """The first append's race: a writer saw no head, another made it and committed, and
    the first writer's insert then meets the head trigger's refusal ("one head"), not a
    unique-key error. It must take the head that now exists and append after it."""
    from unittest import mock

    from django.db.models import QuerySet

    from safeguard.web.audit.models import ChainHead

    audit.record(None, Action.VIEW, username="first")  # the head exists from here
    real_first = QuerySet.first
    missed: list[bool] = []

    def first(self: QuerySet) -> object:
        if self.model is ChainHead and not missed:
            missed.append(True)
            return None  # as if looked at before the other writer committed
        return real_first(self)

    with mock.patch.object(QuerySet, "first", first), transaction.atomic():
        audit.record(None, Action.VIEW, username="second")
    assert missed == [True]
    assert list(AuditEvent.objects.order_by("sequence").values_list("actor_username",
                                                                    flat=True)) \
        == ["first", "second"]
    assert verify_chain().ok
