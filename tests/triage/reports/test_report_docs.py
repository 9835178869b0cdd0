"""docs/report-format.md documents every field the writers produce (a test, so it stays so)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from safeguard.triage.reports import FIELDNAMES, write_reports
from safeguard.triage.reports.vics_export import DEFAULT_CATEGORY_CODES

from .report_fixtures import build_result

DOC = Path(__file__).resolve().parents[3] / "docs" / "report-format.md"


def documented() -> set[str]:
    """Every `name` in the first cell of a table row of the document."""
    text = DOC.read_text(encoding="utf-8")
    first_cells = re.findall(r"^\| ([^|]*)\|", text, re.MULTILINE)
    return {name for cell in first_cells for name in re.findall(r"`([^`]+)`", cell)}


def keys(value: object, prefix: str = "") -> set[str]:
    """The field names in a JSON document (object keys, recursing into lists)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(prefix + key)
            found |= keys(item)
    elif isinstance(value, list):
        for item in value:
            found |= keys(item)
    return found


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_reports(tmp_path_factory.mktemp("out"), build_result())


def test_it_documents_every_csv_column() -> None:
    assert set(FIELDNAMES) <= documented()


def test_it_documents_every_report_field(outputs: dict[str, Path]) -> None:
    report = json.loads(outputs["json"].read_text())
    summary = report["summary"]
    fields = set(report) - {"tool"} | {f"tool.{key}" for key in report["tool"]}
    fields |= keys(report["evidence"]) | keys(report["hashsets"]) | keys(report["warnings"])
    fields |= set(summary) - {"matches"} | {f"matches.{key}" for key in summary["matches"]}
    fields |= keys(list(summary["categories"].values()))
    missing = fields - documented()
    assert not missing, f"undocumented: {sorted(missing)}"


def test_it_documents_every_vics_field(outputs: dict[str, Path]) -> None:
    document = json.loads(outputs["vics"].read_text())
    missing = keys(document) - {"@odata.context", "value"} - documented()
    assert not missing, f"undocumented: {sorted(missing)}"


def test_it_documents_the_default_code_map() -> None:
    assert json.dumps(DEFAULT_CATEGORY_CODES) in DOC.read_text(encoding="utf-8")
