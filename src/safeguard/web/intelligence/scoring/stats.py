"""The counters on Subject and Link, the distinct files of a subject and the hourly
presence rollup: kept up to date by every import in bulk, rebuilt by `recount()`.

Imports collect deltas per subject and per link in Python and apply them in one statement
per batch (PostgreSQL: UPDATE ... FROM unnest(arrays); SQLite: executemany), so that a
batch of 50,000 sightings costs a few statements, not 50,000. `recount()` computes the
same counters from the records themselves; a test checks that the two agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, F, Max, Min, Q

from ..conf import intel_rules
from ..intake.bulk import stage
from ..intake.catalogue import CHUNK, FileInfo, chunks
from ..models import (
    ALL_DISTRICTS,
    FileHash,
    HourlyCount,
    HourlyPresence,
    Link,
    ReferralFile,
    Sighting,
    Subject,
    SubjectFile,
)


@dataclass
class SubjectDelta:
    referrals: int = 0
    sightings: int = 0
    known: int = 0
    category_a: int = 0
    unknown: int = 0
    distributions: int = 0
    first: datetime | None = None
    last: datetime | None = None
    district: int | None = None  # the district of the latest observation that had one
    district_at: datetime | None = None

    def seen(self, moment: datetime, district: int | None = None) -> None:
        """An observation at `moment` (first and last seen), in `district` if known."""
        if self.first is None or moment < self.first:
            self.first = moment
        if self.last is None or moment > self.last:
            self.last = moment
        self.located(moment, district)

    def located(self, moment: datetime, district: int | None) -> None:
        """Where the subject was at `moment` (a referral's district at its incident)."""
        if district is not None and (self.district_at is None or moment >= self.district_at):
            self.district, self.district_at = district, moment


@dataclass
class LinkDelta:
    sightings: int = 0
    first: datetime | None = None
    last: datetime | None = None

    def seen(self, moment: datetime) -> None:
        if self.first is None or moment < self.first:
            self.first = moment
        if self.last is None or moment > self.last:
            self.last = moment


STAGE_FROM = 500  # rows from which a staged COPY beats plain statements on PostgreSQL


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _staged(count: int) -> bool:
    return connection.vendor == "postgresql" and count >= STAGE_FROM


def _dt(value: datetime | None) -> Any:
    return value if value is None or _postgres() else connection.ops.adapt_datetimefield_value(
        value)


def bump_subjects(deltas: dict[int, SubjectDelta]) -> None:
    """Apply the deltas, then store the changed subjects' scores."""
    from .score import rescore_ids

    staged = _bump_subjects(deltas)
    if deltas and not staged:  # the staged UPDATE stored the scores already
        rescore_ids(deltas)


def _bump_subjects(deltas: dict[int, SubjectDelta]) -> str:
    """Returns the staging table's name when the deltas went through one."""
    from .score import score_sql_over

    if not deltas:
        return ""
    table = Subject._meta.db_table
    if _staged(len(deltas)):
        staged = stage(
            [("id", "int8"), ("referrals", "int4"), ("sightings", "int4"), ("known", "int4"),
             ("category_a", "int4"), ("unknown", "int4"), ("distributions", "int4"),
             ("first_at", "timestamptz"), ("last_at", "timestamptz"), ("district_id", "int8"),
             ("district_at", "timestamptz")],
            ((i, d.referrals, d.sightings, d.known, d.category_a, d.unknown, d.distributions,
              d.first, d.last, d.district, d.district_at) for i, d in deltas.items()))
        # New values first (n), then one UPDATE writing them and the score computed from
        # them: each subject row is rewritten once, not once for the counters and once
        # more for the score.
        score, params = score_sql_over("n")
        sql = f"""
            UPDATE {table} AS s SET
              referral_count = n.referral_count, sighting_count = n.sighting_count,
              known_files = n.known_files, category_a_files = n.category_a_files,
              unknown_files = n.unknown_files, distributions = n.distributions,
              first_seen_at = n.first_seen_at, last_seen_at = n.last_seen_at,
              district_id = n.district_id, district_seen_at = n.district_seen_at,
              score = {score}
            FROM (
              SELECT o.id, o.child_id, o.adult_of_concern_id, o.previous_convictions,
                o.household_children, o.band,
                o.referral_count + v.referrals AS referral_count,
                o.sighting_count + v.sightings AS sighting_count,
                o.known_files + v.known AS known_files,
                o.category_a_files + v.category_a AS category_a_files,
                o.unknown_files + v.unknown AS unknown_files,
                o.distributions + v.distributions AS distributions,
                LEAST(o.first_seen_at, v.first_at) AS first_seen_at,
                GREATEST(o.last_seen_at, v.last_at) AS last_seen_at,
                CASE WHEN v.district_at IS NOT NULL AND (o.district_seen_at IS NULL
                  OR v.district_at >= o.district_seen_at)
                  THEN v.district_id ELSE o.district_id END AS district_id,
                GREATEST(o.district_seen_at, v.district_at) AS district_seen_at
              FROM {table} AS o JOIN {staged} AS v ON v.id = o.id
            ) AS n WHERE s.id = n.id"""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return staged
    sql = f"""
        UPDATE {table} SET
          referral_count = referral_count + %s, sighting_count = sighting_count + %s,
          known_files = known_files + %s, category_a_files = category_a_files + %s,
          unknown_files = unknown_files + %s, distributions = distributions + %s,
          district_id = CASE WHEN %s IS NOT NULL AND (district_seen_at IS NULL
              OR %s >= district_seen_at) THEN %s ELSE district_id END,
          district_seen_at = CASE WHEN %s IS NOT NULL AND (district_seen_at IS NULL
              OR %s >= district_seen_at) THEN %s ELSE district_seen_at END,
          first_seen_at = CASE WHEN %s IS NOT NULL AND (first_seen_at IS NULL
              OR %s < first_seen_at) THEN %s ELSE first_seen_at END,
          last_seen_at = CASE WHEN %s IS NOT NULL AND (last_seen_at IS NULL
              OR %s > last_seen_at) THEN %s ELSE last_seen_at END
        WHERE id = %s"""
    rows = []
    for pk, d in deltas.items():
        first, last, at = _dt(d.first), _dt(d.last), _dt(d.district_at)
        rows.append((d.referrals, d.sightings, d.known, d.category_a, d.unknown,
                     d.distributions, at, at, d.district, at, at, at,
                     first, first, first, last, last, last, pk))
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return ""


def bump_links(deltas: dict[int, LinkDelta]) -> None:
    if not deltas:
        return
    table = Link._meta.db_table
    if _staged(len(deltas)):
        staged = stage([("id", "int8"), ("n", "int4"), ("first_at", "timestamptz"),
                        ("last_at", "timestamptz")],
                       ((i, d.sightings, d.first, d.last) for i, d in deltas.items()))
        with connection.cursor() as cursor:
            cursor.execute(f"""
                UPDATE {table} AS l SET sightings = l.sightings + v.n,
                  first_seen_at = LEAST(l.first_seen_at, v.first_at),
                  last_seen_at = GREATEST(l.last_seen_at, v.last_at)
                FROM {staged} AS v WHERE l.id = v.id""")
        return
    sql = f"""
        UPDATE {table} SET sightings = sightings + %s,
          first_seen_at = CASE WHEN %s < first_seen_at THEN %s ELSE first_seen_at END,
          last_seen_at = CASE WHEN %s > last_seen_at THEN %s ELSE last_seen_at END
        WHERE id = %s"""
    rows = []
    for pk, d in deltas.items():
        first, last = _dt(d.first), _dt(d.last)
        rows.append((d.sightings, first, first, last, last, pk))
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def add_subject_files(pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Record (subject, file) pairs; return those that were new (the distinct counts)."""
    wanted = sorted(set(pairs))
    if not wanted:
        return []
    table = SubjectFile._meta.db_table
    if _postgres():
        with connection.cursor() as cursor:
            if _staged(len(wanted)):
                staged = stage([("subject_id", "int8"), ("file_id", "int8")], wanted)
                source = f"SELECT subject_id, file_id FROM {staged}"
                params: list[int] = []
            else:
                source = "VALUES " + ", ".join(["(%s, %s)"] * len(wanted))
                params = [n for pair in wanted for n in pair]
            cursor.execute(f"INSERT INTO {table} (subject_id, file_id) {source} "
                           "ON CONFLICT DO NOTHING RETURNING subject_id, file_id", params)
            return [(int(s), int(f)) for s, f in cursor.fetchall()]
    existing: set[tuple[int, int]] = set()
    subjects = sorted({s for s, _ in wanted})
    files = sorted({f for _, f in wanted})
    for subject_part in chunks(subjects, CHUNK // 2):
        for file_part in chunks(files, CHUNK // 2):
            existing.update(SubjectFile.objects.filter(
                subject_id__in=subject_part, file_id__in=file_part,
            ).values_list("subject_id", "file_id"))
    new = [pair for pair in wanted if pair not in existing]
    SubjectFile.objects.bulk_create(
        [SubjectFile(subject_id=s, file_id=f) for s, f in new], batch_size=CHUNK)
    return new


def add_subject_files_counted(pairs: Iterable[tuple[int, int]],
                              infos: dict[int, FileInfo]) -> dict[int, list[int]]:
    """As add_subject_files, but return, for each subject, how many of its new files are
    [known, category A, unknown] (on PostgreSQL counted in the database: a big batch's
    new pairs never travel back)."""
    wanted = sorted(set(pairs))
    counts: dict[int, list[int]] = {}
    if _staged(len(wanted)):
        staged = stage([("subject_id", "int8"), ("file_id", "int8")], wanted)
        names = sorted(intel_rules().category_a)
        with connection.cursor() as cursor:
            cursor.execute(f"""
                WITH added AS (
                  INSERT INTO {SubjectFile._meta.db_table} (subject_id, file_id)
                  SELECT subject_id, file_id FROM {staged}
                  ON CONFLICT DO NOTHING RETURNING subject_id, file_id)
                SELECT a.subject_id,
                       count(*) FILTER (WHERE f.hashset <> ''),
                       count(*) FILTER (WHERE f.hashset <> '' AND f.category = ANY(%s)),
                       count(*) FILTER (WHERE f.hashset = '')
                FROM added a JOIN {FileHash._meta.db_table} f ON f.id = a.file_id
                GROUP BY a.subject_id""", [names])
            for subject_id, known, category_a, unknown in cursor.fetchall():
                counts[int(subject_id)] = [known, category_a, unknown]
        return counts
    for subject_id, file_id in add_subject_files(wanted):
        info = infos[file_id]
        row = counts.setdefault(subject_id, [0, 0, 0])
        if info.known:
            row[0] += 1
            row[1] += info.category_a
        else:
            row[2] += 1
    return counts


def add_presence(rows: Iterable[tuple[int, datetime, int, int]]) -> None:
    """(agency, hour, district or 0, subject) rows of the hourly rollup, once each, with
    the "every district" row of each; the hourly counts grow by the rows that were new."""
    wanted = {(a, h, d, s) for a, h, d, s in rows}
    wanted |= {(a, h, ALL_DISTRICTS, s) for a, h, _, s in wanted}
    if not wanted:
        return
    presence, counts = HourlyPresence._meta.db_table, HourlyCount._meta.db_table
    if _staged(len(wanted)):
        staged = stage([("agency_id", "int8"), ("hour", "timestamptz"),
                        ("district_key", "int8"), ("subject_id", "int8")], sorted(wanted))
        with connection.cursor() as cursor:
            cursor.execute(f"""
                WITH added AS (
                  INSERT INTO {presence} (agency_id, hour, district_key, subject_id)
                  SELECT * FROM {staged} ON CONFLICT DO NOTHING
                  RETURNING agency_id, hour, district_key)
                INSERT INTO {counts} (agency_id, hour, district_key, subjects)
                SELECT agency_id, hour, district_key, count(*) FROM added GROUP BY 1, 2, 3
                ON CONFLICT (agency_id, district_key, hour)
                DO UPDATE SET subjects = {counts}.subjects + EXCLUDED.subjects""")
        return
    existing: set[tuple[int, datetime, int, int]] = set()
    subjects = sorted({s for *_, s in wanted})
    for part in chunks(subjects, CHUNK):
        existing.update(HourlyPresence.objects.filter(subject_id__in=part).values_list(
            "agency_id", "hour", "district_key", "subject_id"))
    new = sorted(wanted - existing)
    HourlyPresence.objects.bulk_create(
        [HourlyPresence(agency_id=a, hour=h, district_key=d, subject_id=s)
         for a, h, d, s in new], batch_size=CHUNK)
    grown = Counter((a, h, d) for a, h, d, _ in new)
    for (agency, hour, key), number in grown.items():
        updated = HourlyCount.objects.filter(agency_id=agency, hour=hour, district_key=key
                                             ).update(subjects=F("subjects") + number)
        if not updated:
            HourlyCount.objects.create(agency_id=agency, hour=hour, district_key=key,
                                       subjects=number)


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def recount(subject_ids: Iterable[int]) -> None:
    """Rebuild the counters of these subjects from their records (after a merge or a
    split, or to check the imports' arithmetic)."""
    category_a = intel_rules().category_a
    ids = list(subject_ids)
    for subject in Subject.objects.filter(pk__in=ids):
        links = Link.objects.filter(subject=subject)
        times = links.aggregate(first=Min("first_seen_at"), last=Max("last_seen_at"))
        referral_ids = list(links.exclude(referral=None).values_list("referral_id", flat=True)
                            .order_by().distinct())
        files = SubjectFile.objects.filter(subject=subject).aggregate(
            known=Count("file_id", filter=~Q(file__hashset="")),
            category_a=Count("file_id", filter=~Q(file__hashset="") & Q(
                file__category__in=category_a)),
            unknown=Count("file_id", filter=Q(file__hashset="")),
        )
        sightings = Sighting.objects.filter(subject=subject)
        shared = ReferralFile.objects.filter(referral_id__in=referral_ids, distributed=True
                                             ).exclude(file__hashset="").count()
        subject.referral_count = len(referral_ids)
        subject.sighting_count = sightings.count()
        subject.known_files = files["known"]
        subject.category_a_files = files["category_a"]
        subject.unknown_files = files["unknown"]
        subject.distributions = sightings.filter(known=True).count() + shared
        subject.first_seen_at, subject.last_seen_at = times["first"], times["last"]
        subject.district_seen_at, subject.district_id = _latest_district(
            subject.pk, referral_ids)
        subject.save(update_fields=[
            "referral_count", "sighting_count", "known_files", "category_a_files",
            "unknown_files", "distributions", "first_seen_at", "last_seen_at", "district",
            "district_seen_at"])
    from .score import rescore_ids

    rescore_ids(ids)


def _latest_district(subject_id: int, referral_ids: list[int]
                     ) -> tuple[datetime | None, int | None]:
    from ..models import Referral

    sighting = (Sighting.objects.filter(subject_id=subject_id).exclude(district=None)
                .order_by("-observed_at").values_list("observed_at", "district_id").first())
    referral = (Referral.objects.filter(pk__in=referral_ids).exclude(district=None)
                .order_by("-incident_at").values_list("incident_at", "district_id").first())
    candidates = [c for c in (sighting, referral) if c is not None]
    if not candidates:
        return None, None
    return max(candidates, key=lambda c: c[0])


def rebuild_presence(subject_ids: Iterable[int]) -> None:
    """The hourly rollup of these subjects, from their sightings of known material (after
    a merge or a split); the counts of every hour touched, before or after, recounted."""
    ids = list(subject_ids)
    old = HourlyPresence.objects.filter(subject_id__in=ids)
    touched = set(old.values_list("agency_id", "hour", "district_key").distinct())
    old.delete()
    rows = set()
    for agency, moment, district, subject in Sighting.objects.filter(
            subject_id__in=ids, known=True).order_by().values_list(
            "agency_id", "observed_at", "district_id", "subject_id").iterator(chunk_size=10_000):
        rows.add((agency, hour_of(moment), district or 0, subject))
    # Recount rather than add: the counts of the hours touched are then exact.
    HourlyPresence.objects.bulk_create(
        [HourlyPresence(agency_id=a, hour=h, district_key=d, subject_id=s)
         for a, h, d, s in rows | {(a, h, ALL_DISTRICTS, s) for a, h, _, s in rows}],
        batch_size=CHUNK, ignore_conflicts=True)
    touched |= {(a, h, d) for a, h, d, _ in rows} | {(a, h, ALL_DISTRICTS) for a, h, _, _ in rows}
    recount_hours(touched)


def recount_hours(keys: Iterable[tuple[int, datetime, int]]) -> None:
    """Set the counts of these (agency, hour, district key) from the presence rows: one
    grouped count per agency, then the counts replaced."""
    by_agency: dict[int, set[tuple[datetime, int]]] = {}
    for agency, hour, key in keys:
        by_agency.setdefault(agency, set()).add((hour, key))
    for agency, wanted in by_agency.items():
        hours = sorted({hour for hour, _ in wanted})
        found: dict[tuple[datetime, int], int] = {}
        for part in chunks(hours, CHUNK):
            for row in (HourlyPresence.objects.filter(agency_id=agency, hour__in=part)
                        .values("hour", "district_key").annotate(n=Count("subject_id"))
                        .order_by()):
                found[(row["hour"], row["district_key"])] = row["n"]
        for part in chunks(hours, CHUNK):
            HourlyCount.objects.filter(agency_id=agency, hour__in=part).filter(
                district_key__in={key for _, key in wanted}).delete()
        HourlyCount.objects.bulk_create(
            [HourlyCount(agency_id=agency, hour=hour, district_key=key, subjects=number)
             for (hour, key), number in found.items()], batch_size=CHUNK,
            ignore_conflicts=True)


def dangling_sightings() -> int:
    """Sightings whose agency, import, file, district, link or subject does not exist
    (the table has no database constraints: see models.Sighting). Zero, always."""
    from ...accounts.models import Agency
    from ...core.models import Area
    from ..models import FileHash, SightingImport

    return Sighting.objects.exclude(
        Q(agency_id__in=Agency.objects.values("pk"))
        & Q(batch_id__in=SightingImport.objects.values("pk"))
        & Q(file_id__in=FileHash.objects.values("pk"))
        & (Q(district_id__isnull=True) | Q(district_id__in=Area.objects.values("pk")))
        & Q(link_id__in=Link.objects.values("pk"))
        & Q(subject_id__in=Subject.objects.values("pk"))
    ).count()
