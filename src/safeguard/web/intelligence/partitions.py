"""The sightings table on PostgreSQL: one partition a calendar month (UTC) of observed_at,
so that the retention schedule removes a month of sightings by dropping its partition
instead of deleting its rows one by one (docs/scaling.md, "Sightings by month").

    ensure_months([row.observed_at for row in rows])   # before the rows are written
    ensure_ahead(now)                                   # this month and the next
    drop_before(boundary)                               # the retention schedule

Migration 0005 made the table partitioned; on SQLite (the default database) nothing here
applies: `partitioned()` is False and the schedule deletes rows (retention/sightings.py).

A DEFAULT partition takes any row whose month has no partition yet (a row written through
the ORM, an import racing the month's turn), so that no insert ever fails for want of a
partition; creating a month's partition moves that month's rows out of it first.

The partition key must be part of every unique index of a partitioned table, so the
primary key is (id, observed_at) in the database while Django keeps `id` as the model's
pk: ids still come from one sequence, so they stay unique. Nothing refers to a sighting
by a foreign key (Link.first_sighting_id is a plain number by design), so no constraint
has to name the partition key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction

TABLE = "intelligence_sighting"
DEFAULT = f"{TABLE}_default"
# pg_advisory_xact_lock key for partition DDL (two imports meeting a new month at once).
LOCK_KEY = 0x5A_6E_71_E5
_NAME = re.compile(rf"^{TABLE}_p(\d{{4}})(\d{{2}})$")


@dataclass(frozen=True)
class Partition:
    name: str
    start: datetime   # inclusive
    end: datetime     # exclusive


def month_start(moment: datetime) -> datetime:
    """The first instant (UTC) of the calendar month (UTC) that holds `moment`."""
    utc = moment.astimezone(UTC)
    return datetime(utc.year, utc.month, 1, tzinfo=UTC)


def next_month(start: datetime) -> datetime:
    if start.month == 12:
        return start.replace(year=start.year + 1, month=1)
    return start.replace(month=start.month + 1)


def partition_for(start: datetime) -> Partition:
    return Partition(f"{TABLE}_p{start:%Y%m}", start, next_month(start))


def partitioned() -> bool:
    """True on PostgreSQL once migration 0005 has run."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table p JOIN pg_class c "
                       "ON c.oid = p.partrelid WHERE c.relname = %s "
                       "AND pg_table_is_visible(c.oid)", [TABLE])
        return cursor.fetchone() is not None


def partitions() -> list[Partition]:
    """The monthly partitions, oldest first (the DEFAULT partition left out)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT child.relname FROM pg_inherits i "
                       "JOIN pg_class parent ON parent.oid = i.inhparent "
                       "JOIN pg_class child ON child.oid = i.inhrelid "
                       "WHERE parent.relname = %s AND pg_table_is_visible(parent.oid)",
                       [TABLE])
        names = [row[0] for row in cursor.fetchall()]
    found = []
    for name in names:
        match = _NAME.match(name)
        if match:
            found.append(partition_for(datetime(int(match[1]), int(match[2]), 1, tzinfo=UTC)))
    return sorted(found, key=lambda part: part.start)


def _create(part: Partition) -> None:
    """Make the month's partition, moving its rows out of the DEFAULT partition (which
    must not hold a row of a range being attached), then attach it: built as a plain
    table with a CHECK of the range so that ATTACH need not scan it again."""
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{part.name}" (LIKE {TABLE} INCLUDING DEFAULTS)')
        cursor.execute(f'ALTER TABLE "{part.name}" ADD CONSTRAINT "{part.name}_range" '
                       "CHECK (observed_at >= %s AND observed_at < %s)",
                       [part.start, part.end])
        cursor.execute(f"WITH moved AS (DELETE FROM {DEFAULT} WHERE observed_at >= %s "
                       f'AND observed_at < %s RETURNING *) INSERT INTO "{part.name}" '
                       "SELECT * FROM moved", [part.start, part.end])
        cursor.execute(f'ALTER TABLE {TABLE} ATTACH PARTITION "{part.name}" '
                       "FOR VALUES FROM (%s) TO (%s)", [part.start, part.end])
        cursor.execute(f'ALTER TABLE "{part.name}" DROP CONSTRAINT "{part.name}_range"')


def ensure_months(moments: Iterable[datetime]) -> list[str]:
    """Make the partitions of the months of `moments` that have none; returns the names
    made. Cheap when they all exist (two catalogue queries). Its own short transaction
    when called outside one, so that an import's long transaction does not hold the DDL
    locks."""
    if not partitioned():
        return []
    wanted = {month_start(moment) for moment in moments}
    have = {part.start for part in partitions()}
    missing = sorted(wanted - have)
    if not missing:
        return []
    made = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        have = {part.start for part in partitions()}  # another may have made them meanwhile
        for start in missing:
            if start not in have:
                part = partition_for(start)
                _create(part)
                made.append(part.name)
    return made


def ensure_ahead(now: datetime, months: int = 2) -> list[str]:
    """This month's partition and the next `months - 1` (a scheduled job calls it, so that
    an import seldom has DDL to do)."""
    starts = [month_start(now)]
    while len(starts) < months:
        starts.append(next_month(starts[-1]))
    return ensure_months(starts)


@dataclass(frozen=True)
class Dropped:
    partition: Partition
    rows_by_agency: dict[int, int]


def rows_by_agency(table: str, where: str = "", params: Sequence[datetime] = ()
                   ) -> dict[int, int]:
    """The table's rows per agency (a partition's, for the record of what went)."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT agency_id, count(*) FROM "{table}" {where} GROUP BY agency_id',
                       list(params))
        return {int(agency): int(number) for agency, number in cursor.fetchall()}


def drop_before(boundary: datetime) -> tuple[list[Dropped], dict[int, int]]:
    """Detach and drop every monthly partition that ends on or before `boundary`, and
    delete the DEFAULT partition's rows before it (rows that never had a partition).
    Returns the partitions dropped, with their rows per agency counted first (for the
    record), and the rows deleted from the DEFAULT partition per agency. Inside the
    caller's transaction: the DDL is transactional, so a failure keeps every partition."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        old = [part for part in partitions() if part.end <= boundary]
        # Detached first, so that the counts are of exactly what is dropped (no row can
        # reach a detached table through the parent), then all counted in one statement.
        for part in old:
            cursor.execute(f'ALTER TABLE {TABLE} DETACH PARTITION "{part.name}"')
        counts = _rows_by_table(old, boundary)
        for part in old:
            cursor.execute(f'DROP TABLE "{part.name}"')
        stray = counts.get(DEFAULT, {})
        if stray:
            cursor.execute(f"DELETE FROM {DEFAULT} WHERE observed_at < %s", [boundary])
    return [Dropped(part, counts.get(part.name, {})) for part in old], stray


def _rows_by_table(old: Sequence[Partition], boundary: datetime
                   ) -> dict[str, dict[int, int]]:
    """The rows per agency of each of the `old` (detached) partitions and of the DEFAULT
    partition's rows before `boundary`, by table name: one UNION ALL of grouped counts,
    each branch labelled with its table's index (a table with no rows has no entry)."""
    tables = [part.name for part in old] + [DEFAULT]
    branches = [f'SELECT {index}, agency_id, count(*) FROM "{name}" GROUP BY agency_id'
                for index, name in enumerate(tables[:-1])]
    branches.append(f"SELECT {len(tables) - 1}, agency_id, count(*) FROM {DEFAULT} "
                    "WHERE observed_at < %s GROUP BY agency_id")
    counts: dict[str, dict[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches), [boundary])
        for index, agency, number in cursor.fetchall():
            counts.setdefault(tables[index], {})[int(agency)] = int(number)
    return counts
