"""Every input the fuzzers ever failed on (tests/data/fuzz/TARGET/NAME, docs/fuzzing.md),
replayed through its target: each must now be handled (a row, a warning or a clear
refusal), never a traceback or an internal-error row."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz.targets import PLATFORM, TARGETS

FINDINGS = Path(__file__).parents[1] / "data" / "fuzz"
# The platform's targets need Django: their findings are replayed under tests/web.
PLATFORM_TARGETS = PLATFORM


def findings(platform: bool) -> list[tuple[str, Path]]:
    return sorted(
        (folder.name, path)
        for folder in FINDINGS.iterdir() if (folder.name in PLATFORM_TARGETS) == platform
        for path in folder.iterdir()
    )


def test_every_finding_names_a_target() -> None:
    assert {folder.name for folder in FINDINGS.iterdir()} <= set(TARGETS)


@pytest.mark.parametrize(("target", "path"), findings(platform=False),
                         ids=lambda v: v.name if isinstance(v, Path) else v)
def test_a_fuzz_finding_is_handled(target: str, path: Path) -> None:
    TARGETS[target].run(path.read_bytes())
