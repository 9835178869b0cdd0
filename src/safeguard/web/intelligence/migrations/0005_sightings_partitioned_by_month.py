"""PostgreSQL only: the sightings table becomes a table partitioned by month of
observed_at (UTC), keeping its rows (intelligence/partitions.py, docs/scaling.md).

The old table is renamed aside, the partitioned one made in its name with the months
that hold rows, this month and the next, and a DEFAULT partition; the rows are copied,
the old table dropped, and the key, the indexes and the id sequence made again: the
primary key is (id, observed_at) in the database (a partitioned table's unique indexes
must hold the partition key) while Django keeps `id` as the pk, and the ids come from a
sequence owned by the column (pg_get_serial_sequence finds it, as intake/bulk.py needs)
continuing from the old one. Nothing refers to a sighting by a foreign key, so no
constraint elsewhere is touched. The model's state does not change (no field or index
is added or dropped), so Django sees no difference.

SQLite: nothing (the table stays as it is). Backwards: nothing either; a partitioned
table answers every query of the application as the plain one did.
"""

from datetime import UTC, datetime
from typing import Any

from django.db import migrations

TABLE = "intelligence_sighting"
OLD = "intelligence_sighting_unpartitioned"


def month_after(start: datetime) -> datetime:
    if start.month == 12:
        return start.replace(year=start.year + 1, month=1)
    return start.replace(month=start.month + 1)


def partition_sightings(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
        old_sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT last_value, is_called FROM {old_sequence}")
        last_value, is_called = cursor.fetchone()
        next_id = last_value + 1 if is_called else last_value
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        # The names go with the new table; the old table is read once more and dropped.
        cursor.execute("DROP INDEX sighting_live")
        cursor.execute("DROP INDEX sighting_subject")
        cursor.execute(f"ALTER TABLE {OLD} DROP CONSTRAINT {TABLE}_pkey")
        cursor.execute(f"CREATE TABLE {TABLE} (LIKE {OLD}) PARTITION BY RANGE (observed_at)")
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        cursor.execute(f"SELECT DISTINCT date_trunc('month', observed_at AT TIME ZONE 'UTC') "
                       f"FROM {OLD}")
        starts = {row[0].replace(tzinfo=UTC) for row in cursor.fetchall()}
        now = datetime.now(UTC)
        this_month = datetime(now.year, now.month, 1, tzinfo=UTC)
        starts |= {this_month, month_after(this_month)}
        for start in sorted(starts):
            cursor.execute(f"CREATE TABLE {TABLE}_p{start:%Y%m} PARTITION OF {TABLE} "
                           "FOR VALUES FROM (%s) TO (%s)", [start, month_after(start)])
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
        cursor.execute(f"SELECT max(id) FROM {OLD}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute(f"DROP TABLE {OLD}")  # and its identity sequence
        cursor.execute(f"CREATE SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id")
        cursor.execute(f"SELECT setval('{TABLE}_id_seq', %s, false)",
                       [max(next_id, largest + 1)])
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id "
                       f"SET DEFAULT nextval('{TABLE}_id_seq')")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey "
                       "PRIMARY KEY (id, observed_at)")
        # The model's two indexes, as migration 0001 made them.
        cursor.execute(f'CREATE INDEX sighting_live ON {TABLE} '
                       '("agency_id", "observed_at", "district_id", "subject_id") WHERE "known"')
        cursor.execute(f'CREATE INDEX sighting_subject ON {TABLE} ("subject_id", "observed_at")')
        cursor.execute(f"ANALYZE {TABLE}")


class Migration(migrations.Migration):

    dependencies = [
        ("intelligence", "0004_children_bands_ncmec"),
    ]

    operations = [
        migrations.RunPython(partition_sightings, migrations.RunPython.noop, elidable=False),
    ]
