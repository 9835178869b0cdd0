"""Assertions in the manner of NIST's Computer Forensics Tool Testing (CFTT): each has an
id, what it checks, what was expected and what was observed, and passes or fails.

`RunView` is a finished run read back through the engine's own reader (`read_run`), its
files.csv rows indexed by evidence and address, so that each check compares the ground
truth with what the engine reported, not with what it meant to report.
"""

from __future__ import annotations

import fnmatch
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from safeguard.triage import ReportError, read_run

from .engine import EngineRun
from .groundtruth import ExpectedFile, ReferenceItem

# The groups, in the order the report gives them; `--groups` selects among them.
GROUPS = {
    "listing": "Files listed with their path, size, time and type",
    "digests": "Digests against independent implementations",
    "deleted": "Deleted files",
    "unchanged": "The evidence unchanged",
    "hashsets": "Known-bad and known-good matching",
    "perceptual": "Perceptual hashing",
    "counts": "Report figures against the ground truth",
    "determinism": "Two runs, the same reports",
    "resume": "Killed and resumed, the same reports",
    "outcomes": "Warnings and exit codes, damaged inputs",
    "coverage": "What the reference data covers",
}
DETAILS_KEPT = 50  # differences kept per assertion in validation.json


@dataclass
class Assertion:
    id: str
    group: str
    checks: str
    expected: str
    observed: str
    passed: bool
    item: str = ""
    details: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def assertion(id: str, group: str, checks: str, expected: str, *, problems: list[str],
              ok: str, item: str = "") -> Assertion:
    """An assertion that passes when `problems` is empty: observed is `ok`, else the
    number of problems and the first of them."""
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        first = problems[0] + more
        observed = f"{len(problems)} difference(s): {first}"
    else:
        observed = ok
    return Assertion(id, group, checks, expected, observed, not problems, item,
                     problems[:DETAILS_KEPT])


def shorten(values: Iterable[str], most: int = 3) -> str:
    listed = list(values)
    shown = ", ".join(listed[:most])
    return shown + (f" … ({len(listed)} in all)" if len(listed) > most else "")


Key = tuple[str, str, str, str, bool]


def row_key(row: dict[str, str]) -> Key:
    return (row["partition"], row["filesystem"], row["archive"], row["path"],
            row["deleted"] == "true")


def describe_key(key: Key) -> str:
    partition, filesystem, archive, path, deleted = key
    inner = f"{archive}!{path}" if archive else path
    return " › ".join([p for p in (partition, filesystem) if p] + [inner]) + (
        " (deleted)" if deleted else "")


class RunView:
    """A finished run's reports, as the engine's reader gives them back."""

    def __init__(self, run: EngineRun) -> None:
        self.run = run
        self.problem = run.crash
        self.report: dict[str, Any] = {}
        self.rows: list[dict[str, str]] = []
        self.by_label: dict[str, dict[Key, list[dict[str, str]]]] = defaultdict(
            lambda: defaultdict(list))
        self.warnings: list[dict[str, Any]] = []
        if self.problem:
            return
        try:
            finished = read_run(run.out)
            self.rows = list(finished.rows())
            self.report = json.loads((run.out / "report.json").read_text("utf-8"))
        except (ReportError, OSError, ValueError) as exc:
            self.problem = f"the reports cannot be read: {exc}"
            return
        for row in self.rows:
            self.by_label[row["evidence"]][row_key(row)].append(row)
        self.warnings = list(self.report.get("warnings") or [])

    def rows_of(self, label: str) -> dict[Key, list[dict[str, str]]]:
        return self.by_label.get(label, {})

    def warnings_of(self, label: str) -> list[dict[str, Any]]:
        return [w for w in self.warnings
                if (w.get("location") or {}).get("evidence") == label
                or str(w.get("address", "")).startswith(label)]

    def evidence_info(self, label: str) -> dict[str, Any] | None:
        return next((e for e in self.report.get("evidence") or [] if e.get("path") == label),
                    None)


def expected_rows(view: RunView, label: str, expected: ExpectedFile
                  ) -> list[dict[str, str]]:
    """The rows of the expected file: by its address, or for a path with `*`, every row
    of the same container whose path fits it and whose SHA-1 (where stated) is its."""
    rows = view.rows_of(label)
    if not expected.pattern:
        return rows.get(expected.key(), [])
    return [row for key, found in rows.items() for row in found
            if key[:3] == expected.key()[:3] and key[4] == expected.deleted
            and fnmatch.fnmatchcase(key[3], expected.path)
            and (expected.sha1 is None or row["sha1"] == expected.sha1)]


def explained(view: RunView, label: str, files: Iterable[ExpectedFile]) -> set[Key]:
    """The addresses of `label`'s rows that some expected file accounts for."""
    found: set[Key] = set()
    for f in files:
        found.update(row_key(row) for row in expected_rows(view, label, f))
    return found


def unusable(view: RunView, id: str, group: str, checks: str, expected: str,
             item: ReferenceItem | None = None) -> Assertion | None:
    """A failed assertion when the run crashed or left no readable reports."""
    if not view.problem:
        return None
    return Assertion(id, group, checks, expected, f"no reports to check: {view.problem}",
                     False, item.id if item else "")


def relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)
