"""One import at a time per database: linking reads the links and then writes new ones,
so two imports running together could each make a profile for the same new identifier.

On PostgreSQL a transaction-scoped advisory lock serialises the linking transactions of
every process; SQLite's write transactions are IMMEDIATE (settings), which already do.
"""

from __future__ import annotations

from django.db import connection

LOCK_KEY = 0x5A_FE_6A_2D  # any constant: "the intelligence linking lock"


def import_lock() -> None:
    """Call inside `transaction.atomic()`: held until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
