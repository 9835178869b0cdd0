"""Benchmark: removing a month of old sightings on PostgreSQL, by dropping its partition
(what `safeguard retention sightings` does) against deleting its rows.

    scripts/with-postgres.sh .venv/bin/python bench/sightings_partitions.py
    scripts/with-postgres.sh .venv/bin/python bench/sightings_partitions.py --old 100000 \\
        --new 100000 --no-record

Synthetic rows (nothing real: documentation-range IPv6 values, made-up ids), written with
generate_series straight into the tables: `--old` rows in one month past the schedule's
period (January 2014) and `--new` rows spread over the twelve months up to March 2026.

1. The partitioned table (migration 0005): `retention.sightings.dispose_old` as the job
   runs it, on 3 March 2026 with the shipped 10 years: it counts the old partition's rows
   per agency (for the record), detaches and drops it, and writes the record and the audit
   event, in one transaction. Its count alone is timed too.
2. The same rows in a plain table with the same key and indexes (what the table was before
   0005): `DELETE ... WHERE observed_at < boundary`, then the VACUUM that gives the dead
   rows' space back (a dropped partition leaves none).
3. The partitioned table again, deleting the rows instead (the rows path, as on SQLite).

Figures go to docs/benchmarks.md (section `sightings_partitions`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import WORK, machine, record  # noqa: E402

HOME = WORK / "sightings_partitions"
TODAY = date(2026, 3, 3)
OLD_MONTH = "2014-01-01 00:00+00"
PLAIN = "bench_sighting_plain"
COLUMNS = ("agency_id, batch_id, observed_at, kind, value, port, file_id, file_name, known, "
           "district_id, link_id, subject_id")


def rows_sql(table: str, count: int, start: str, span: str) -> str:
    """INSERT of `count` synthetic rows spread evenly over `span` from `start` (the agency
    id is the one parameter)."""
    return (
        f"INSERT INTO {table} (id, {COLUMNS}) "
        "SELECT nextval('intelligence_sighting_id_seq'), %s, 1, "
        f"timestamptz '{start}' + (n::float8 / {count}) * interval '{span}', 'ip', "
        "'2001:db8::' || to_hex(n), NULL, mod(n, 100000), '', mod(n, 3) <> 0, "
        f"mod(n, 9) + 1, mod(n, 50000), mod(n, 40000) FROM generate_series(1, {count}) n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=int, default=1_000_000, help="rows in the old month")
    parser.add_argument("--new", type=int, default=1_000_000, help="rows in the last year")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("run under scripts/with-postgres.sh (or set DATABASE_URL to PostgreSQL)")
    HOME.mkdir(parents=True, exist_ok=True)
    os.environ.update({"SAFEGUARD_MODE": "demo", "SAFEGUARD_HOME": str(HOME),
                       "SAFEGUARD_LOG_LEVEL": "error",
                       "DJANGO_SETTINGS_MODULE": "safeguard.web.settings"})
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from safeguard.web.accounts.models import Agency, AgencyKind
    from safeguard.web.intelligence import partitions
    from safeguard.web.retention.conf import retention_schedule
    from safeguard.web.retention.sightings import boundary, dispose_old

    call_command("migrate", interactive=False, verbosity=0)
    agency = Agency.objects.create(name="Bench Police", kind=AgencyKind.POLICE)
    table = partitions.TABLE
    before = boundary(TODAY, retention_schedule().sightings.keep_years)
    cursor = connection.cursor()

    def timed(sql: str, params: list[object] | None = None) -> float:
        started = time.perf_counter()
        cursor.execute(sql, params or [])
        return time.perf_counter() - started

    def fill(target: str) -> float:
        started = time.perf_counter()
        cursor.execute(rows_sql(target, args.old, OLD_MONTH, "30 days"), [agency.pk])
        cursor.execute(rows_sql(target, args.new, "2025-03-03 00:00+00", "365 days"),
                       [agency.pk])
        cursor.execute(f"VACUUM ANALYZE {target}")
        return time.perf_counter() - started

    def size(target: str) -> int:
        cursor.execute("SELECT pg_total_relation_size(%s)", [target])
        return int(cursor.fetchone()[0])

    print(f"writing {args.old:,} old and {args.new:,} newer sightings (partitioned)...")
    partitions.ensure_months([before.replace(year=2014, month=1)])
    partitions.ensure_months([before.replace(year=2025, month=m) for m in range(3, 13)]
                             + [before.replace(year=2026, month=m) for m in range(1, 4)])
    fill_partitioned = fill(table)
    old_part = f"{table}_p201401"
    old_bytes = size(old_part)
    started = time.perf_counter()
    counted = partitions.rows_by_agency(old_part)
    count_seconds = time.perf_counter() - started
    assert counted == {agency.pk: args.old}, counted
    started = time.perf_counter()
    done = dispose_old(TODAY, retention_schedule(), by="bench")
    drop_seconds = time.perf_counter() - started
    assert done.rows == args.old and done.partitions == [old_part], (done.rows, done.partitions)
    cursor.execute(f"SELECT count(*) FROM {table}")
    assert cursor.fetchone()[0] == args.new

    print("the same rows in a plain table...")
    cursor.execute(f"CREATE TABLE {PLAIN} (LIKE {table} INCLUDING DEFAULTS)")
    cursor.execute(f"ALTER TABLE {PLAIN} ADD PRIMARY KEY (id)")
    cursor.execute(f'CREATE INDEX plain_live ON {PLAIN} ("agency_id", "observed_at", '
                   '"district_id", "subject_id") WHERE "known"')
    cursor.execute(f'CREATE INDEX plain_subject ON {PLAIN} ("subject_id", "observed_at")')
    fill_plain = fill(PLAIN)
    plain_bytes = size(PLAIN)
    with transaction.atomic():
        delete_plain = timed(f"DELETE FROM {PLAIN} WHERE observed_at < %s", [before])
        deleted = cursor.rowcount
    assert deleted == args.old, deleted
    vacuum_plain = timed(f"VACUUM {PLAIN}")

    print("deleting the rows of the partitioned table instead...")
    partitions.ensure_months([before.replace(year=2014, month=1)])
    cursor.execute(rows_sql(table, args.old, OLD_MONTH, "30 days"), [agency.pk])
    cursor.execute(f"VACUUM ANALYZE {table}")
    with transaction.atomic():
        delete_partition = timed(f"DELETE FROM {table} WHERE observed_at < %s", [before])
    vacuum_partition = timed(f"VACUUM {table}")
    cursor.execute("SELECT version()")
    version = cursor.fetchone()[0].split(" on ")[0]

    mb = 1024 * 1024
    command = ("scripts/with-postgres.sh .venv/bin/python bench/sightings_partitions.py "
               f"--old {args.old} --new {args.new}")
    lines = [
        "## Sightings: dropping a month's partition against deleting its rows "
        "(`bench/sightings_partitions.py`)",
        "",
        f"Machine: {machine()}; {version} (the throwaway server of scripts/with-postgres.sh: "
        f"fsync off). Command: `{command}`.",
        "",
        f"{args.old:,} synthetic sightings in one month past the period (January 2014, "
        f"{old_bytes / mb:,.0f} MB with its indexes) beside {args.new:,} in the last twelve "
        "months; the table's key and both indexes as the product has them. Written with "
        f"generate_series in {fill_partitioned:.1f} s (partitioned) and {fill_plain:.1f} s "
        f"(plain table, {plain_bytes / mb:,.0f} MB).",
        "",
        "| how the old month goes | seconds | then VACUUM (s) |",
        "| --- | ---: | ---: |",
        "| drop its partition: `dispose_old` as the job runs it (count per agency, DETACH, "
        f"DROP, record, audit; one transaction) | {drop_seconds:.3f} | none needed |",
        "| of which the count per agency (a scan of the partition, timed apart) | "
        f"{count_seconds:.3f} | |",
        "| DELETE its rows from the plain table (the table before migration 0005) | "
        f"{delete_plain:.2f} | {vacuum_plain:.2f} |",
        "| DELETE its rows from the partitioned table (the rows path) | "
        f"{delete_partition:.2f} | {vacuum_partition:.2f} |",
        "",
        f"Dropping the partition took {drop_seconds / delete_plain:.1%} of the DELETE's time "
        f"on the plain table ({delete_plain / drop_seconds:,.1f}× faster), before the "
        f"DELETE's VACUUM ({vacuum_plain:.2f} s more) is counted; a dropped partition leaves "
        "no dead rows behind.",
    ]
    body = "\n".join(lines)
    if args.no_record:
        print(body)
    else:
        record("sightings_partitions", body)


if __name__ == "__main__":
    main()
