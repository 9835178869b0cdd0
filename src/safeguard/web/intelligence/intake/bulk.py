"""Bulk writes and reads for the imports, fast on PostgreSQL and correct everywhere.

On PostgreSQL, Django's bulk_create spends its time preparing each value of each object
and psycopg converting thousands of parameters; a long `IN (...)` list costs the same.
Here, rows go in as one typed array per column (`INSERT ... SELECT FROM unnest(...)`) with
ids allocated from the sequence beforehand (so the caller knows each row's id without
relying on RETURNING's order), and lookups pass one array (`= ANY(%s)`). Elsewhere
(SQLite: tests and the demo) the ORM does the same work.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def postgres() -> bool:
    return connection.vendor == "postgresql"


def allocate_ids(model: type[models.Model], count: int, *, block: bool = False
                 ) -> list[int]:
    """`count` new primary keys for `model` (PostgreSQL: from its sequence; SQLite: after
    the largest, which the IMMEDIATE write transaction holds).

    `block`: take them as one range by moving the sequence on (one statement instead of
    `count` nextval calls). Only for a table that nothing but the caller writes while it
    holds the linking lock (the sightings), since a nextval by anyone else between the
    two halves of the move would land inside the range."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if postgres():
            if block:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"nextval(pg_get_serial_sequence('{table}', 'id')) + %s - 1)",
                               [count])
                last = int(cursor.fetchone()[0])
                return list(range(last - count + 1, last + 1))
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                           "FROM generate_series(1, %s)", [count])
            return [int(row[0]) for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + count))


_PG_BINARY = {"integer": "int4", "bigint": "int8", "smallint": "int2", "boolean": "bool",
              "timestamp with time zone": "timestamptz", "double precision": "float8",
              "text": "text", "jsonb": "jsonb", "date": "date"}
_staged = itertools.count()


def pg_type(field: models.Field[Any, Any]) -> str:
    """The binary COPY type of a field's column (a varchar is sent as text)."""
    kind = field.db_type(connection) or "text"
    if kind.startswith("varchar"):
        return "text"
    return _PG_BINARY[kind]


def copy_into(table: str, columns: Sequence[str], types: Sequence[str],
              rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL: COPY rows in binary (psycopg formats them in C: about half a
    microsecond a row, ten times faster than text COPY or arrays)."""
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, inside Django's transaction
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
                      ) as copy:
            copy.set_types(list(types))
            for row in rows:
                copy.write_row(row)


def stage(columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]) -> str:
    """A temporary table (dropped at commit) holding `rows`; returns its name. Columns are
    (name, binary COPY type)."""
    name = f"intelligence_stage_{next(_staged)}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {name} ("
                       + ", ".join(f"{c} {t}" for c, t in columns) + ") ON COMMIT DROP")
    copy_into(name, [c for c, _ in columns], [t for _, t in columns], rows)
    return name


def insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows (dicts of attname -> value, without `id`); the other columns take
    their field defaults (auto_now_add: now). Returns the new ids, in order."""
    if not rows:
        return []
    ids = allocate_ids(model, len(rows))
    if not postgres():
        model._default_manager.bulk_create(
            [model(id=pk, **row) for pk, row in zip(ids, rows, strict=True)], batch_size=2000)
        return ids
    moment = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = set(rows[0])
    defaults = {}
    for field in fields:
        if field.attname in given:
            continue
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            defaults[field.attname] = moment
        else:
            defaults[field.attname] = field.get_default()
    names = [f.attname for f in fields]
    copy_into(model._meta.db_table, ["id", *[f.column for f in fields]],
              ["int8", *[pg_type(f) for f in fields]],
              ((pk, *[row.get(n, defaults.get(n)) for n in names])
               for pk, row in zip(ids, rows, strict=True)))
    return ids


def select_any(sql: str, values: Sequence[Any], *params: Any, chunk: int = 5000
               ) -> list[tuple[Any, ...]]:
    """Rows of `sql`, whose last placeholder is a list of `values`: one `= ANY(%s)` array
    on PostgreSQL; chunks of `IN (...)` elsewhere (`sql` says `{values}` where it goes)."""
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if postgres():
            cursor.execute(sql.format(values="= ANY(%s)"), [*params, list(values)])
            return list(cursor.fetchall())
        for start in range(0, len(values), chunk):
            part = list(values[start:start + chunk])
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(sql.format(values=f"IN ({marks})"), [*params, *part])
            found.extend(cursor.fetchall())
    return found
