"""Import a finished triage run (report.json, files.csv) into the database.

The run is read by the engine (`safeguard.triage.read_run`: report.json once, as
dataclasses; files.csv streamed row by row through the engine's codec). Rows are inserted
in batches (COPY on PostgreSQL, executemany elsewhere: RowWriter), each batch in its own
short transaction, so that a run of millions of files never sits in memory and never
holds SQLite's write lock for long. The job stays `running` (stage `importing`) until
every row is in and the summary is written; a failed import is simply run again (the
job's earlier rows are removed first).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from safeguard.triage import (
    DIGESTS,
    FinishedRun,
    SummaryBuilder,
    number_from_cell,
    read_run,
    record_from_row,
    time_from_cell,
)

from .models import FileRecord, TriageJob, TriageSummary, TriageWarningRow

BATCH_SIZE = 5000

# CharField lengths, to cut over-long values from hostile evidence rather than fail.
_LIMITS: dict[str, int] = {
    field.name: field.max_length
    for field in FileRecord._meta.concrete_fields
    if field.max_length is not None
}
_TEXT = ("evidence", "partition", "filesystem", "path", "archive", "inode", "mime",
         "known_good_set", "hashset", "category", "series", "error", "group", "match_method")
_FLAGS = ("deleted", "carved", "known_good", "distributed", "victim_identified")
_TIMES = ("modified", "accessed", "changed", "created")


def import_run(
    job: TriageJob, out_dir: Path, evidence: str | None = None, batch_size: int = BATCH_SIZE,
    run: FinishedRun | None = None,
) -> TriageSummary:
    """Import the run in `out_dir` as `job`'s results; return its summary.

    `evidence`: import only the rows of that evidence item (files.csv's `evidence`
    column) and count its summary afresh with the engine's own SummaryBuilder: how one
    run over several items becomes one result per exhibit (the demo does this). `run`:
    the run already read from `out_dir` (read_run), so that it is not read again.
    """
    run = run if run is not None else read_run(out_dir)
    clear_results(job)
    builder = SummaryBuilder() if evidence is not None else None
    writer = RowWriter(job)
    batch: list[tuple[Any, ...]] = []
    for row in run.rows():
        if evidence is not None and row["evidence"] != evidence:
            continue
        batch.append(writer.values(file_values(row)))
        if builder is not None:
            builder.add(record_from_row(row))
        if len(batch) >= batch_size:
            writer.insert(batch)
            batch = []
    writer.insert(batch)
    warnings = [w for w in run.warnings if evidence is None or w.address.evidence == evidence]
    with transaction.atomic():
        TriageWarningRow.objects.bulk_create(
            TriageWarningRow(job=job, address=str(w.address), stage=w.stage[:64],
                             message=w.message)
            for w in warnings
        )
        summary = run.summary if builder is None else builder.finish(len(warnings))
        used = [e for e in run.evidence if evidence is None or e.path == evidence]
        return TriageSummary.objects.create(
            job=job,
            **{name: getattr(summary, name) for name in _SUMMARY_COUNTS},
            exact_matches=summary.exact,
            perceptual_matches=summary.perceptual,
            categories={name: figures.as_dict() for name, figures in summary.categories.items()},
            evidence=[e.as_dict() for e in used],
            hashsets=[h.as_dict() for h in run.hashsets],
            tool_version=run.version[:32],
            run_started=run.started[:40],
            run_finished=run.finished[:40],
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


def _clean(value: str) -> str:
    # PostgreSQL text cannot hold NUL; show it as the report shows undecodable bytes.
    return value.replace("\x00", "\\x00") if "\x00" in value else value


def file_values(row: Mapping[str, str]) -> dict[str, Any]:
    """A files.csv row as FileRecord's field values (by attribute name, without job)."""
    fields: dict[str, Any] = {}
    for name in _TEXT:
        value = _clean(row.get(name, ""))
        limit = _LIMITS.get(name)
        fields[name] = value[:limit] if limit else value
    for name in DIGESTS:
        fields[name] = row.get(name, "")[: _LIMITS[name]].lower()
    for name in _FLAGS:
        fields[name] = row.get(name) == "true"
    for name in _TIMES:
        fields[name] = time_from_cell(row.get(name, ""))
    fields["file_type"] = row.get("type", "other")[:16]
    fields["match"] = row.get("match", "none")[:16] or "none"
    fields["size"] = number_from_cell(row.get("size", "")) or 0
    fields["distance"] = number_from_cell(row.get("distance", ""), 0, 2**31 - 1)
    fields["pdq"] = row.get("pdq", "")[:64]
    fields["pdq_quality"] = number_from_cell(row.get("pdq_quality", ""), 0, 100)
    return fields
