"""Import a finished triage run (report.json, files.csv) into the database.

files.csv is streamed row by row and inserted in batches (COPY on PostgreSQL, executemany
elsewhere: RowWriter), each batch in its own short transaction, so that a run of millions
of files never sits in memory and never holds SQLite's write lock for long. The job stays
`running` (stage `importing`) until every row is in and the summary is written; a failed
import is simply run again (the job's earlier rows are removed first).

Columns are found by their header name (docs/report-format.md: new columns are added at
the end), so a files.csv from a newer engine still imports.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from safeguard.triage.records import Address, Match, Record
from safeguard.triage.records import FileType as EngineFileType
from safeguard.triage.reports.summary import SummaryBuilder

from .models import FileRecord, TriageJob, TriageSummary, TriageWarningRow

BATCH_SIZE = 5000
ADDRESS_SEPARATOR = " › "

# CharField lengths, to cut over-long values from hostile evidence rather than fail.
_LIMITS: dict[str, int] = {
    field.name: field.max_length
    for field in FileRecord._meta.concrete_fields
    if field.max_length is not None
}
_TEXT = ("evidence", "partition", "filesystem", "path", "archive", "inode", "mime",
         "known_good_set", "hashset", "category", "series", "error", "group")
_DIGESTS = ("md5", "sha1", "sha256")
_FLAGS = ("deleted", "carved", "known_good", "distributed", "victim_identified")
_TIMES = ("modified", "accessed", "changed", "created")


class ReportError(Exception):
    """The run folder does not hold a readable report."""


def read_report(out_dir: Path) -> dict[str, Any]:
    try:
        report: dict[str, Any] = json.loads((out_dir / "report.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read {out_dir / 'report.json'}: {exc}") from exc
    return report


def import_run(
    job: TriageJob, out_dir: Path, evidence: str | None = None, batch_size: int = BATCH_SIZE
) -> TriageSummary:
    """Import the run in `out_dir` as `job`'s results; return its summary.

    `evidence`: import only the rows of that evidence item (files.csv's `evidence`
    column) and count its summary afresh with the engine's own SummaryBuilder: how one
    run over several items becomes one result per exhibit (the demo does this).
    """
    report = read_report(out_dir)
    clear_results(job)
    builder = SummaryBuilder() if evidence is not None else None
    writer = RowWriter(job)
    batch: list[tuple[Any, ...]] = []
    for row in read_files_csv(out_dir / "files.csv"):
        if evidence is not None and row["evidence"] != evidence:
            continue
        batch.append(writer.values(file_values(row)))
        if builder is not None:
            builder.add(engine_record(row))
        if len(batch) >= batch_size:
            writer.insert(batch)
            batch = []
    writer.insert(batch)
    warnings = [
        w for w in report.get("warnings", [])
        if evidence is None or _is_of(str(w.get("address", "")), evidence)
    ]
    with transaction.atomic():
        TriageWarningRow.objects.bulk_create(
            TriageWarningRow(job=job, address=str(w.get("address", "")),
                             stage=str(w.get("stage", ""))[:64], message=str(w.get("message", "")))
            for w in warnings
        )
        summary = report.get("summary", {})
        used = report.get("evidence", [])
        if builder is not None:
            summary = builder.finish(len(warnings)).as_dict()
            used = [e for e in used if e.get("path") == evidence]
        return TriageSummary.objects.create(
            job=job,
            **{name: int(summary.get(name, 0)) for name in _SUMMARY_COUNTS},
            exact_matches=int(summary.get("matches", {}).get("exact", 0)),
            perceptual_matches=int(summary.get("matches", {}).get("perceptual", 0)),
            categories=summary.get("categories", {}),
            evidence=used,
            hashsets=report.get("hashsets", []),
            tool_version=str(report.get("tool", {}).get("version", ""))[:32],
            run_started=str(report.get("started", ""))[:40],
            run_finished=str(report.get("finished", ""))[:40],
        )


_SUMMARY_COUNTS = ("files", "bytes", "images", "videos", "archives", "known_good",
                   "unmatched_images", "unmatched_videos", "deleted", "carved", "in_archives",
                   "warnings")


def clear_results(job: TriageJob) -> None:
    with transaction.atomic():
        FileRecord.objects.filter(job=job).delete()
        TriageWarningRow.objects.filter(job=job).delete()
        TriageSummary.objects.filter(job=job).delete()


class RowWriter:
    """Inserts FileRecord rows a batch at a time, each batch in its own transaction.

    Rows go in as plain tuples rather than through bulk_create: building and compiling a
    model instance per row cost about two thirds of the import. PostgreSQL receives each
    batch through COPY (psycopg's copy protocol), other databases through executemany of
    one INSERT. Values are prepared by `file_values` exactly as the model would store them.
    """

    def __init__(self, job: TriageJob) -> None:
        self.job_pk = job.pk
        self.fields = [f for f in FileRecord._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        table = quote(FileRecord._meta.db_table)
        columns = ", ".join(quote(f.column) for f in self.fields)
        self.copy = connection.vendor == "postgresql"
        if self.copy:
            self.sql = f"COPY {table} ({columns}) FROM STDIN"
        else:
            marks = ", ".join(["%s"] * len(self.fields))
            self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        # SQLite keeps times as text in UTC; PostgreSQL takes the datetime itself.
        adapt = connection.ops.adapt_datetimefield_value
        self.time_columns = {i for i, f in enumerate(self.fields) if f.name in _TIMES}
        self.adapt_time = None if self.copy else adapt

    def values(self, fields: dict[str, Any]) -> tuple[Any, ...]:
        fields["job_id"] = self.job_pk
        values = [fields[f.attname] for f in self.fields]
        if self.adapt_time is not None:
            for i in self.time_columns:
                if values[i] is not None:
                    values[i] = self.adapt_time(values[i])
        return tuple(values)

    def insert(self, batch: list[tuple[Any, ...]]) -> None:
        if not batch:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            if self.copy:
                with cursor.cursor.copy(self.sql) as copy:
                    for values in batch:
                        copy.write_row(values)
            else:
                cursor.executemany(self.sql, batch)


def _is_of(address: str, evidence: str) -> bool:
    return address == evidence or address.startswith(evidence + ADDRESS_SEPARATOR)


# A name on the evidence can be longer than the csv module's 128 KiB default (a tar's pax
# header sets no limit, and archive chains join names): a report the engine wrote must
# import whatever the evidence held, so the limit is raised (it is one setting per process).
FILES_CSV_FIELD_LIMIT = 1 << 30


def read_files_csv(path: Path) -> Iterator[dict[str, str]]:
    """files.csv's rows as {column: cell}."""
    if csv.field_size_limit() < FILES_CSV_FIELD_LIMIT:
        csv.field_size_limit(FILES_CSV_FIELD_LIMIT)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise ReportError(f"cannot read {path}: {exc}") from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None or "path" not in header:
                raise ReportError(f"{path} has no header row")
            for cells in reader:
                yield dict(zip(header, cells, strict=False))
        except (csv.Error, UnicodeDecodeError) as exc:
            # The engine writes UTF-8 CSV (undecodable names escaped): this file is damaged.
            raise ReportError(f"{path}: line {reader.line_num + 1} is not readable: {exc}") \
                from exc


def _clean(value: str) -> str:
    # PostgreSQL text cannot hold NUL; show it as the report shows undecodable bytes.
    return value.replace("\x00", "\\x00") if "\x00" in value else value


def _time(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _int(value: str, low: int = -(2**63), high: int = 2**63 - 1) -> int | None:
    """A whole number within the column's range, else None (damaged or hostile input)."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is None or low <= number <= high else None


def file_values(row: dict[str, str]) -> dict[str, Any]:
    """A files.csv row as FileRecord's field values (by attribute name, without job)."""
    fields: dict[str, Any] = {}
    for name in _TEXT:
        value = _clean(row.get(name, ""))
        limit = _LIMITS.get(name)
        fields[name] = value[:limit] if limit else value
    for name in _DIGESTS:
        fields[name] = row.get(name, "")[: _LIMITS[name]].lower()
    for name in _FLAGS:
        fields[name] = row.get(name) == "true"
    for name in _TIMES:
        fields[name] = _time(row.get(name, ""))
    fields["file_type"] = row.get("type", "other")[:16]
    fields["match"] = row.get("match", "none")[:16] or "none"
    fields["size"] = _int(row.get("size", "")) or 0
    fields["distance"] = _int(row.get("distance", ""), 0, 2**31 - 1)
    fields["pdq"] = row.get("pdq", "")[:64]
    fields["pdq_quality"] = _int(row.get("pdq_quality", ""), 0, 100)
    return fields


def engine_record(row: dict[str, str]) -> Record:
    """The engine's Record for a files.csv row: enough of it for SummaryBuilder."""
    archive = tuple(part for part in row.get("archive", "").split("!") if part)
    try:
        file_type = EngineFileType(row.get("type", "other"))
    except ValueError:
        file_type = EngineFileType.OTHER
    try:
        match = Match(row.get("match", "none") or "none")
    except ValueError:
        match = Match.NONE
    return Record(
        address=Address(
            evidence=row.get("evidence", ""),
            path=row.get("path", ""),
            partition=row.get("partition", ""),
            filesystem=row.get("filesystem", ""),
            inode=row.get("inode", ""),
            archive=archive,
        ),
        size=_int(row.get("size", "")) or 0,
        file_type=file_type,
        deleted=row.get("deleted") == "true",
        carved=row.get("carved") == "true",
        digests={name: row[name] for name in _DIGESTS if row.get(name)},
        known_good=row.get("known_good") == "true",
        category=row.get("category", ""),
        distributed=row.get("distributed") == "true",
        shared_location=row.get("shared_location") == "true",
        match=match,
    )
