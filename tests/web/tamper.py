"""What someone with write access to the database could do, for the verify tests.

The database refuses UPDATE and DELETE of audit rows and any step back of the chain head
with triggers; a person with the database's owner rights can lift them. These helpers do
that inside the test's transaction, which puts the triggers back in place afterwards.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

TABLES = ("audit_auditevent", "audit_chainhead")
SQLITE_TRIGGERS = importlib.import_module(
    "safeguard.web.audit.migrations.0003_keyed_chain_and_guards"
).SQLITE_TRIGGERS


@contextmanager
def guard_lifted() -> Iterator[None]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks of earlier inserts must run before an ALTER.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for trigger in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    yield


def sql(statement: str, params: list[object] | None = None) -> None:
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute(statement, params or [])
