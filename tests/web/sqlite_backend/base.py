"""SQLite for the web tests, whose flush may empty the audit tables.

The audit tables refuse DELETE (audit migration 0003). Tests that run a live server
(TransactionTestCase) end with a flush that deletes every row: this backend drops the
guards around the flush and creates them again after it. Only the tests use it.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.db.backends.sqlite3 import base, operations

_guards = importlib.import_module(
    "safeguard.web.audit.migrations.0003_keyed_chain_and_guards"
).SQLITE_TRIGGERS


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style: Any, tables: Any, *, reset_sequences: bool = False,
                  allow_cascade: bool = False) -> list[str]:
        statements = super().sql_flush(style, tables, reset_sequences=reset_sequences,
                                       allow_cascade=allow_cascade)
        if not statements:
            return statements
        drops = [f"DROP TRIGGER IF EXISTS {name}" for name in _guards]
        return [*drops, *statements, *_guards.values()]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
