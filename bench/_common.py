"""Shared helpers for the benchmarks: timing commands and recording results.

Each benchmark writes its section of docs/benchmarks.md between markers named after it,
so re-running one benchmark replaces its own figures and leaves the others alone.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
WORK = ROOT / "bench" / "work"
SAFEGUARD = str(Path(sys.executable).parent / "safeguard")


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu or platform.machine()}), Python {platform.python_version()}"
    )


def best_of(runs: int, fn: Callable[[], None]) -> float:
    """Best wall time of `runs` calls: the page cache is warm after the first."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def run_command(command: Sequence[str], *, ok: Sequence[int] = (0,)) -> None:
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode not in ok:
        raise SystemExit(
            f"{' '.join(command)} failed ({result.returncode}): {result.stderr[-2000:]}"
        )


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    return path


def record(name: str, body: str) -> None:
    """Replace the section `name` of docs/benchmarks.md (or append it)."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n\nRun with `make bench`.\n"
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _m: block, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block + "\n"
    )
    DOC.write_text(text)
    print(body)
