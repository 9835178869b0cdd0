"""A finished run read back from its folder: report.json as dataclasses, files.csv by row.

    run = read_run(out_dir)
    run.summary.files, run.summary.categories["A"].unique_images
    for warning in run.warnings:          # TriageWarning, its Address kept
        warning.address.evidence
    for row in run.rows():                # files.csv, {column: cell}, streamed
        record = record_from_row(row)

The one reader of report.json (the writer is json_report.py) and, through
csv_report.read_files_csv, of files.csv: the web platform imports runs with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ReportError
from ..evidence.base import EvidenceInfo
from ..records import Record, TriageWarning
from ..results import HashSetUse
from ._common import OUTPUTS
from .csv_report import read_files_csv, record_from_row
from .summary import Summary


@dataclass(frozen=True, slots=True)
class FinishedRun:
    """What report.json says of a run, and the way to its files.csv."""

    folder: Path
    tool: str
    version: str
    started: str
    finished: str
    options: dict[str, Any]
    digests: tuple[str, ...]
    evidence: list[EvidenceInfo]
    hashsets: list[HashSetUse]
    summary: Summary
    warnings: list[TriageWarning]

    def rows(self) -> Iterator[dict[str, str]]:
        """files.csv's rows as {column: cell}, in address order (ReportError if damaged)."""
        return read_files_csv(self.folder / OUTPUTS["csv"])

    def records(self) -> Iterator[Record]:
        """files.csv's rows as Records."""
        return (record_from_row(row) for row in self.rows())


def read_run(out_dir: Path) -> FinishedRun:
    """The run whose reports are in `out_dir`; ReportError when report.json is missing or
    is not one the engine wrote."""
    path = Path(out_dir) / OUTPUTS["json"]
    try:
        report = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read {path}: {exc}") from exc
    try:
        tool = report.get("tool") or {}
        return FinishedRun(
            folder=Path(out_dir),
            tool=str(tool.get("name", "")),
            version=str(tool.get("version", "")),
            started=str(report.get("started") or ""),
            finished=str(report.get("finished") or ""),
            options=dict(report.get("options") or {}),
            digests=tuple(str(name) for name in report.get("digests") or ()),
            evidence=[EvidenceInfo.from_dict(item) for item in report.get("evidence") or ()],
            hashsets=[HashSetUse.from_dict(item) for item in report.get("hashsets") or ()],
            summary=Summary.from_dict(report.get("summary") or {}),
            warnings=[TriageWarning.from_dict(item) for item in report.get("warnings") or ()],
        )
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"{path} is damaged or not a triage report: {exc!r}") from exc
