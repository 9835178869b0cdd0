"""The fuzzers' findings in the files.csv import, replayed (tests/triage/test_fuzz_findings.py
replays the engine's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz.targets import TARGETS

from tests.triage.test_fuzz_findings import findings


@pytest.mark.parametrize(("target", "path"), findings(platform=True),
                         ids=lambda v: v.name if isinstance(v, Path) else v)
def test_a_fuzz_finding_is_handled(target: str, path: Path) -> None:
    TARGETS[target].run(path.read_bytes())
