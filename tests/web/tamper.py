"""What someone with write access to the database could do, for the verify tests.

The database refuses UPDATE (and, on PostgreSQL, DELETE) of audit rows with a trigger;
a person with the database's owner rights can lift it. These helpers do that inside the
test's transaction, which rolls the trigger back in place afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

TABLE = "audit_auditevent"
TRIGGER = "audit_auditevent_append_only"


@contextmanager
def guard_lifted() -> Iterator[None]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks of earlier inserts must run before an ALTER.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    yield


def sql(statement: str, params: list[object] | None = None) -> None:
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute(statement, params or [])
