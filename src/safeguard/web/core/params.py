"""Whole numbers from query strings and forms, bounded before they reach the database.

`str.isdigit()` then `int()` lets through what a database cannot hold (a 30-digit
district id gave a 500 from SQLite's integer overflow) and digits that are not ASCII
("٣"); Python's int() refuses over 4,300 digits with an exception of its own. Every id
or page number taken from a request goes through here instead.
"""

from __future__ import annotations

# A database id (a 64-bit signed integer) has at most 19 digits.
_MAX_ID = 2**63 - 1


def record_id(text: str | None) -> int | None:
    """`text` as an id a database can hold (1 .. 2^63-1), else None."""
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value <= _MAX_ID else None


def page_number(text: str | None, last: int = 10_000) -> int:
    """A page number from 1 to `last` (1 for anything else)."""
    value = record_id(text)
    return min(value, last) if value is not None else 1
