"""Sightings past the schedule's period: removed by whole months. On PostgreSQL the table
is partitioned by month and a month goes by dropping its partition; on SQLite its rows are
deleted. The same sightings go either way, and each removal is recorded."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from safeguard.cli import main
from safeguard.web.audit.models import AuditEvent
from safeguard.web.core.models import Area
from safeguard.web.intelligence import partitions
from safeguard.web.intelligence.live.picture import live_picture
from safeguard.web.intelligence.models import HourlyCount, HourlyPresence, Sighting
from safeguard.web.intelligence.scoring import stats
from safeguard.web.retention.conf import retention_schedule
from safeguard.web.retention.models import SightingsDisposal
from safeguard.web.retention.sightings import boundary, dispose_old, old_sightings
from safeguard.web.statistics.intelligence_figures import sharing
from safeguard.web.statistics.periods import Period

from ..intelligence.helpers import A_FILES, IntelTestCase, sighting

TODAY = date(2026, 3, 3)   # the intelligence tests' clock (helpers.NOW)
JOB = "retention test job"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def located() -> dict[int, str]:
    """Each sighting's id and the table that holds it (a partition on PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, tableoid::regclass::text FROM {partitions.TABLE}")
        return {int(pk): str(table) for pk, table in cursor.fetchall()}


class BoundaryTests(IntelTestCase):
    def test_the_boundary_is_the_start_of_the_month_of_the_last_old_day(self) -> None:
        self.assertEqual(boundary(date(2026, 3, 3), 10), utc("2016-03-01T00:00:00"))
        self.assertEqual(boundary(date(2026, 3, 1), 10), utc("2016-03-01T00:00:00"))
        self.assertEqual(boundary(date(2026, 2, 28), 6), utc("2020-02-01T00:00:00"))
        # 29 February: the last old day is 28 February of a common year.
        self.assertEqual(boundary(date(2028, 2, 29), 1), utc("2027-02-01T00:00:00"))
        self.assertEqual(retention_schedule().sightings.keep_years, 10)


class SightingsRetentionTests(IntelTestCase):
    """The same on both databases (the PostgreSQL pass of `make test` drops partitions,
    the SQLite pass deletes rows)."""

    def setUp(self) -> None:
        self.sightings([
            sighting("2015-10-05T10:15:00Z", "203.0.113.21", A_FILES[0]),
            sighting("2016-02-29T23:30:00Z", "203.0.113.22", A_FILES[1]),
            sighting("2016-03-01T00:30:00Z", "203.0.113.23", A_FILES[2]),
            sighting("2026-03-03T11:30:00Z", "203.0.113.24", A_FILES[3]),
        ])
        self.old_hours = {utc("2015-10-05T10:00:00"), utc("2016-02-29T23:00:00")}

    def test_the_old_months_go_and_the_newer_stay(self) -> None:
        self.assertEqual(old_sightings(TODAY, retention_schedule()), {self.owner_agency.pk: 2})
        counts_before = set(HourlyCount.objects.values_list("hour", "subjects"))
        done = dispose_old(TODAY, retention_schedule(), by=JOB)
        self.assertEqual(done.before, utc("2016-03-01T00:00:00"))
        self.assertEqual(done.rows, 2)
        self.assertEqual(sorted(Sighting.objects.values_list("observed_at", flat=True)),
                         [utc("2016-03-01T00:30:00"), utc("2026-03-03T11:30:00")])
        if partitions.partitioned():
            self.assertEqual(done.method, "partitions")
            self.assertEqual(done.partitions, [f"{partitions.TABLE}_p201510",
                                               f"{partitions.TABLE}_p201602"])
            names = {part.name for part in partitions.partitions()}
            self.assertNotIn(f"{partitions.TABLE}_p201602", names)
            self.assertIn(f"{partitions.TABLE}_p201603", names)
        else:
            self.assertEqual((done.method, done.partitions), ("rows", []))
        # The subjects' presence in those hours went; the hourly counts (no one named) stay.
        hours = set(HourlyPresence.objects.values_list("hour", flat=True))
        self.assertFalse(hours & self.old_hours)
        self.assertEqual(len(hours), 2)
        self.assertEqual(set(HourlyCount.objects.values_list("hour", "subjects")),
                         counts_before)
        self.assertEqual(stats.dangling_sightings(), 0)
        # Recorded: one row and one audit event for the agency whose sightings went.
        record = SightingsDisposal.objects.get()
        self.assertEqual((record.agency_id, record.rows, record.before, record.keep_years,
                          record.method, record.disposed_by),
                         (self.owner_agency.pk, 2, done.before, 10, done.method, JOB))
        event = AuditEvent.objects.get(object_type="intelligence.sighting")
        self.assertEqual((event.action, event.actor_username, event.agency_id,
                          event.object_id, event.details["rows"], event.details["disposal"]),
                         ("delete", JOB, self.owner_agency.pk, "before-2016-03-01", 2,
                          record.pk))
        # Run again: nothing left to remove, nothing recorded.
        again = dispose_old(TODAY, retention_schedule(), by=JOB)
        self.assertEqual((again.rows, again.partitions), (0, []))
        self.assertEqual(SightingsDisposal.objects.count(), 1)

    @override_settings(RETENTION_OVERRIDES={"sightings": {"keep_years": 11}})
    def test_a_longer_period_keeps_more(self) -> None:
        done = dispose_old(TODAY, retention_schedule(), by=JOB)
        self.assertEqual((done.before, done.rows), (utc("2015-03-01T00:00:00"), 0))
        self.assertEqual(Sighting.objects.count(), 4)
        self.assertFalse(SightingsDisposal.objects.exists())

    def test_the_command(self) -> None:
        run = CliRunner().invoke(main, ["retention", "sightings", "--on", "2026-03-03",
                                        "--dry-run"], catch_exceptions=False)
        self.assertEqual(run.exit_code, 0, run.output)
        self.assertIn("removing those observed before 2016-03-01 (UTC)", run.output)
        self.assertIn("would remove\t2", run.output)
        self.assertEqual(Sighting.objects.count(), 4)
        run = CliRunner().invoke(main, ["retention", "sightings", "--on", "2026-03-03"],
                                 catch_exceptions=False)
        self.assertEqual(run.exit_code, 0, run.output)
        method = "partitions" if partitions.partitioned() else "rows"
        self.assertIn(f"removed\t2\t({method})", run.output)
        self.assertEqual(Sighting.objects.count(), 2)
        self.assertEqual(SightingsDisposal.objects.get().disposed_by,
                         "command line (safeguard retention sightings)")


@pytest.mark.postgres
class PartitionedTableTests(IntelTestCase):
    def test_the_table_is_partitioned_by_month_of_observed_at(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.partstrat, a.attname FROM pg_partitioned_table p "
                "JOIN pg_class c ON c.oid = p.partrelid "
                "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0] "
                "WHERE c.relname = %s", [partitions.TABLE])
            self.assertEqual(cursor.fetchall(), [("r", "observed_at")])
            cursor.execute(
                "SELECT child.relname FROM pg_inherits i JOIN pg_class child "
                "ON child.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
                [partitions.TABLE])
            self.assertIn(partitions.DEFAULT, {row[0] for row in cursor.fetchall()})
            cursor.execute(
                "SELECT array_agg(a.attname ORDER BY a.attname) FROM pg_index i "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = %s::regclass AND i.indisprimary", [partitions.TABLE])
            self.assertEqual(cursor.fetchone()[0], ["id", "observed_at"])
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [partitions.TABLE])
            self.assertEqual(cursor.fetchone()[0], f"public.{partitions.TABLE}_id_seq")
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s",
                           [partitions.TABLE])
            self.assertLessEqual({"sighting_live", "sighting_subject"},
                                 {row[0] for row in cursor.fetchall()})

    def test_an_import_across_months_lands_in_each_months_partition(self) -> None:
        self.sightings([
            sighting("2025-12-31T23:59:00Z", "203.0.113.31", A_FILES[0]),
            # One account seen in two months: one subject.
            sighting("2026-01-15T10:00:00Z", "Quiet_Owl", A_FILES[1], kind="account",
                     network="ExampleShare"),
            sighting("2026-02-10T10:00:00Z", "Quiet_Owl", A_FILES[2], kind="account",
                     network="ExampleShare"),
            sighting("2026-03-03T11:30:00Z", "203.0.113.32", A_FILES[3]),
            sighting("2026-03-03T11:40:00Z", "203.0.113.33", A_FILES[4]),
        ])
        where = {Sighting.objects.get(pk=pk).observed_at: table
                 for pk, table in located().items()}
        self.assertEqual(where, {
            utc("2025-12-31T23:59:00"): f"{partitions.TABLE}_p202512",
            utc("2026-01-15T10:00:00"): f"{partitions.TABLE}_p202601",
            utc("2026-02-10T10:00:00"): f"{partitions.TABLE}_p202602",
            utc("2026-03-03T11:30:00"): f"{partitions.TABLE}_p202603",
            utc("2026-03-03T11:40:00"): f"{partitions.TABLE}_p202603",
        })
        # The live picture and the statistics read across the partitions as before.
        picture = live_picture(self.owner_agency.pk, utc("2026-03-03T12:00:00"), 24)
        self.assertEqual((picture.last_hour, picture.last_day), (2, 2))
        by_district, total = sharing(Period(date(2026, 1, 1), date(2026, 3, 31)))
        stoke = Area.objects.get(ons_code="E06000021")  # 203.0.113.0/24
        self.assertEqual((total, by_district[stoke.pk]), (3, 2))
        _, total = sharing(Period(date(2025, 10, 1), date(2025, 12, 31)))
        self.assertEqual(total, 1)
        self.assertEqual(stats.dangling_sightings(), 0)
        self.assertCountsAgree()
        # A profile's sightings, newest first, from two partitions.
        subject_id = Sighting.objects.get(observed_at=utc("2026-01-15T10:00:00")).subject_id
        self.assertEqual(
            list(Sighting.objects.filter(subject_id=subject_id).values_list(
                "observed_at", flat=True)),
            [utc("2026-02-10T10:00:00"), utc("2026-01-15T10:00:00")])

    def test_a_row_without_its_months_partition_waits_in_the_default_one(self) -> None:
        self.sightings([sighting("2026-03-03T11:30:00Z", "203.0.113.41", A_FILES[0])])
        row = Sighting.objects.get()
        first_id = row.pk
        row.pk = None
        row.observed_at = utc("2024-06-10T08:00:00")
        row.save()  # through the ORM, as no import writes: no partition made for it
        self.assertGreater(row.pk, first_id)  # from the sequence the migration made
        self.assertEqual(located()[row.pk], partitions.DEFAULT)
        made = partitions.ensure_months([utc("2024-06-30T23:00:00")])
        self.assertEqual(made, [f"{partitions.TABLE}_p202406"])
        self.assertEqual(located()[row.pk], f"{partitions.TABLE}_p202406")
        self.assertEqual(partitions.ensure_months([utc("2024-06-01T00:00:00")]), [])
        # An old row left in the default partition goes with the months before it.
        row.pk = None
        row.observed_at = utc("2011-01-10T08:00:00")
        row.save()
        self.assertEqual(located()[row.pk], partitions.DEFAULT)
        done = dispose_old(TODAY, retention_schedule(), by=JOB)
        self.assertEqual(done.rows, 1)
        self.assertNotIn(row.pk, located())
        self.assertEqual(Sighting.objects.count(), 2)

    def test_the_dropped_months_are_counted_per_agency_in_one_statement(self) -> None:
        self.sightings([sighting(at, f"203.0.113.{51 + n}", A_FILES[n]) for n, at in enumerate(
            ["2015-10-05T10:15:00Z", "2015-10-06T10:15:00Z", "2016-02-29T23:30:00Z"])])
        self.sightings([sighting("2015-10-07T10:15:00Z", "203.0.113.55", A_FILES[3]),
                        sighting("2026-03-03T11:30:00Z", "203.0.113.54", A_FILES[4])],
                       agency=self.other_police)
        stray = Sighting.objects.get(observed_at=utc("2026-03-03T11:30:00"))
        stray.pk = None
        stray.observed_at = utc("2011-01-10T08:00:00")
        stray.save()  # no partition for its month: it waits in the DEFAULT one
        owner, other = self.owner_agency.pk, self.other_police.pk
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            dropped, left = partitions.drop_before(utc("2016-03-01T00:00:00"))
        self.assertEqual([(part.partition.name, part.rows_by_agency) for part in dropped], [
            (f"{partitions.TABLE}_p201510", {owner: 2, other: 1}),
            (f"{partitions.TABLE}_p201602", {owner: 1}),
        ])
        self.assertEqual(left, {other: 1})
        self.assertEqual(
            sum("count(*)" in query["sql"].lower() for query in queries.captured_queries), 1)
        self.assertEqual(Sighting.objects.count(), 1)

    def test_the_months_ahead_are_made_by_the_job(self) -> None:
        made = partitions.ensure_ahead(utc("2031-12-20T12:00:00"))
        self.assertEqual(made, [f"{partitions.TABLE}_p203112", f"{partitions.TABLE}_p203201"])
        self.assertEqual(partitions.ensure_ahead(utc("2031-12-01T00:00:00")), [])


@pytest.mark.postgres
class MigrationTests(IntelTestCase):
    def test_the_migration_keeps_the_rows_and_the_ids_going(self) -> None:
        """Migration 0005 run on a plain table with rows, in a schema of its own (the
        test's transaction takes it away again)."""
        migration = importlib.import_module(
            "safeguard.web.intelligence.migrations.0005_sightings_partitioned_by_month")
        table = partitions.TABLE
        with connection.cursor() as cursor:
            cursor.execute("CREATE SCHEMA migration_test")
            cursor.execute("SET LOCAL search_path TO migration_test")
            cursor.execute(  # as migration 0001 made it (the columns that matter here)
                f'CREATE TABLE {table} ("id" bigint NOT NULL PRIMARY KEY GENERATED BY '
                'DEFAULT AS IDENTITY, "observed_at" timestamp with time zone NOT NULL, '
                '"value" varchar(300) NOT NULL, "agency_id" bigint NOT NULL, '
                '"district_id" bigint NULL, "known" boolean NOT NULL, '
                '"subject_id" bigint NOT NULL)')
            cursor.execute(f'CREATE INDEX sighting_live ON {table} ("agency_id", '
                           '"observed_at", "district_id", "subject_id") WHERE "known"')
            cursor.execute(f'CREATE INDEX sighting_subject ON {table} ("subject_id", '
                           '"observed_at")')
            cursor.execute(
                f"INSERT INTO {table} (observed_at, value, agency_id, known, subject_id) "
                "SELECT timestamptz '2025-11-29 23:00+00' + n * interval '1 day', "
                "'198.51.100.' || n, 1, n % 2 = 0, n FROM generate_series(1, 40) n")
            cursor.execute(f"DELETE FROM {table} WHERE id > 35")  # the sequence is ahead
            migration.partition_sightings(None, SimpleNamespace(connection=connection))
            cursor.execute(f"SELECT tableoid::regclass::text, count(*) FROM {table} "
                           "GROUP BY 1 ORDER BY 1")
            self.assertEqual(cursor.fetchall(), [
                (f"{table}_p202511", 1), (f"{table}_p202512", 31), (f"{table}_p202601", 3)])
            cursor.execute(f"SELECT count(*) FROM {table} WHERE value = '198.51.100.' || id "
                           "AND observed_at = timestamptz '2025-11-29 23:00+00' "
                           "+ id * interval '1 day'")
            self.assertEqual(cursor.fetchone()[0], 35)
            cursor.execute(f"INSERT INTO {table} (observed_at, value, agency_id, known, "
                           "subject_id) VALUES ('2026-01-20 10:00+00', 'x', 1, true, 1) "
                           "RETURNING id")
            self.assertEqual(cursor.fetchone()[0], 41)
            self.assertTrue(partitions.partitioned())
            cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = "
                           "'migration_test' AND tablename = %s", [table])
            self.assertEqual({row[0] for row in cursor.fetchall()},
                             {f"{table}_pkey", "sighting_live", "sighting_subject"})
            cursor.execute("SET LOCAL search_path TO DEFAULT")
