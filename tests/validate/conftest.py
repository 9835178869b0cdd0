"""One quick validation per test session, through the command as a unit runs it; the
tests that break something on purpose run smaller validations of their own."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from safeguard.cli import main


@dataclass
class QuickRun:
    out: Path
    exit_code: int
    output: str
    report: dict[str, Any]


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> QuickRun:
    out = tmp_path_factory.mktemp("validation") / "out"
    result = CliRunner().invoke(main, ["validate", "--quick", "--out", str(out)])
    report = json.loads((out / "validation.json").read_text()) if (
        out / "validation.json").exists() else {}
    return QuickRun(out, result.exit_code, result.output, report)
