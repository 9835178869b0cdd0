"""The report writers: report.json, files.csv, report.html and case.vics.json; and
`read_run`, which reads a finished run back (report.json as dataclasses, files.csv by row).

`write_reports` reads `result.records` exactly once (it may be a generator over a
million rows): each record goes to files.csv, to the summary and, if it is an image or
a video, to the VICS collector, in the same loop. The summary-based reports are written
after the loop. docs/report-format.md documents every field.
"""

from __future__ import annotations

from pathlib import Path

from ..results import TriageResult
from ..shared_folders import shared_folders
from ._common import OUTPUTS
from .csv_report import (
    FIELDNAMES,
    CsvReport,
    csv_row,
    number_from_cell,
    read_files_csv,
    record_from_row,
    time_from_cell,
)
from .html_report import render_html, write_html
from .json_report import report_dict, write_json
from .parts import PartFailed, RecordPass, RecordsPart, write_reports_in_parts
from .reader import FinishedRun, read_run
from .summary import CategoryFigures, Summary, SummaryBuilder, summarise
from .vics_export import DEFAULT_CATEGORY_CODES, VicsCollector, category_codes


def write_reports(out_dir: Path, result: TriageResult) -> dict[str, Path]:
    """Write every report into `out_dir` (created if missing); return their paths by kind.

    Each file appears under its name only once complete. The options are checked before
    any record is read, so a bad `vics_category_codes` or `shared_folders` fails fast, not
    after the pass. Whether a record lies in a file-sharing program's folder is decided
    here, from `options["shared_folders"]` (default: shared_folders.DEFAULT_PATTERNS), so
    that files.csv, report.json and report.html cannot disagree about it.
    """
    return write_reports_with_summary(out_dir, result)[0]


def write_reports_with_summary(
    out_dir: Path, result: TriageResult
) -> tuple[dict[str, Path], Summary]:
    """As `write_reports`, also returning the summary written (so that a caller need not
    read report.json back for it)."""
    codes = category_codes(result.options)
    folders = shared_folders(result.options)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {kind: out_dir / name for kind, name in OUTPUTS.items()}
    with CsvReport(paths["csv"]) as csv_out, VicsCollector(out_dir, codes) as vics:
        taking = RecordPass(folders, csv_out.write, vics.add_item)
        for record in result.records:
            taking.take(record)
        vics.write(paths["vics"], result)
    summary = taking.builder.finish(len(result.warnings))
    write_json(paths["json"], result, summary)
    write_html(paths["html"], result, summary)
    return paths, summary


__all__ = [
    "DEFAULT_CATEGORY_CODES",
    "FIELDNAMES",
    "OUTPUTS",
    "CategoryFigures",
    "CsvReport",
    "FinishedRun",
    "PartFailed",
    "RecordPass",
    "RecordsPart",
    "Summary",
    "SummaryBuilder",
    "VicsCollector",
    "category_codes",
    "csv_row",
    "number_from_cell",
    "read_files_csv",
    "read_run",
    "record_from_row",
    "render_html",
    "report_dict",
    "summarise",
    "time_from_cell",
    "write_html",
    "write_json",
    "write_reports",
    "write_reports_in_parts",
    "write_reports_with_summary",
]
