"""Running the engine under validation as examiners run it: the `safeguard triage`
command, in a child process (so that even a crash inside a C library is a finding, not
the end of the validation), with a private hash set store. One run is killed with
SIGKILL part way and finished with --resume.

Nothing here judges what the engine did; the checks (checks_*.py) do.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from safeguard.triage import HashSetStore

from .groundtruth import ReferenceItem, ReferenceSet

# The exit codes the command documents (docs/triage.md): anything else is a crash.
DOCUMENTED_EXITS = (0, 2, 3, 4)
# The longest one run may take before it is stopped and reported.
RUN_DEADLINE_S = 600


@dataclass
class EngineRun:
    """One triage: where its reports are and how it ended."""

    name: str
    out: Path
    evidence: list[str]
    items: list[ReferenceItem]
    status: int | None = None
    crash: str = ""
    seconds: float = 0.0
    output: str = ""


def import_sets(reference: ReferenceSet, home: Path) -> None:
    """The reference set's hash set lists, imported into a store of this validation's own
    (never the examiner's)."""
    store = HashSetStore(home / "hashsets")
    for spec in reference.hashsets:
        store.import_file(reference.path_of(spec.file), spec.name, spec.kind, fmt=spec.format,
                          replace=True)


def command(reference: ReferenceSet, items: Sequence[ReferenceItem], out: Path,
            home: Path) -> list[str]:
    """`safeguard triage` over the items with the reference set's hash sets, as an
    examiner types it (the defaults: every digest, perceptual matching on)."""
    args = [sys.executable, "-c", "from safeguard.cli import main; main()", "triage",
            *(reference.label_of(item) for item in items), "--out", str(out), "--home",
            str(home), "--quiet", "--case-number", reference.case_number]
    for spec in reference.hashsets:
        args += ["--hashset", spec.name]
    return args


def run_triage(name: str, reference: ReferenceSet, items: Sequence[ReferenceItem], out: Path,
               home: Path) -> EngineRun:
    """Triage `items` together into `out`."""
    run = EngineRun(name, out, [reference.label_of(item) for item in items], list(items))
    started = time.monotonic()
    try:
        done = subprocess.run(command(reference, items, out, home), capture_output=True,
                              text=True, errors="replace", timeout=RUN_DEADLINE_S, check=False)
    except subprocess.TimeoutExpired:
        run.crash = f"still running after {RUN_DEADLINE_S} s: stopped"
    else:
        run.output = (done.stdout + done.stderr).strip()
        run.status = done.returncode
        run.crash = _crash(done.returncode, run.output)
    run.seconds = time.monotonic() - started
    return run


def _crash(code: int, output: str) -> str:
    """"" for a run that ended as documented; else the exception and where it was raised
    (the last lines of a traceback), or the signal that killed it."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if code < 0:
        return f"killed by signal {-code}" + (f": {lines[-1]}" if lines else "")
    if code not in DOCUMENTED_EXITS or "Traceback (most recent call last)" in output:
        raised = [line for line in lines if line.startswith('File "')]
        where = f" ({raised[-1]})" if raised else ""
        return f"exit {code}: {lines[-1] if lines else 'no output'}{where}"
    return ""


@dataclass
class KilledRun:
    """A `safeguard triage` killed with SIGKILL part way, then resumed with --resume."""

    run: EngineRun
    committed_when_killed: int = 0
    killed: bool = False
    resume_status: int | None = None
    resume_output: str = ""
    invocations: list[str] = field(default_factory=list)


def run_killed_then_resumed(reference: ReferenceSet, items: Sequence[ReferenceItem], out: Path,
                            home: Path, min_records: int) -> KilledRun:
    """Start the command, SIGKILL it once its journal holds `min_records` records, then
    finish it with --resume."""
    args = command(reference, items, out, home)
    result = KilledRun(EngineRun("killed and resumed", out,
                                 [reference.label_of(item) for item in items], list(items)))
    started = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / "journal.sqlite"
    while proc.poll() is None and time.monotonic() - started < RUN_DEADLINE_S:
        result.committed_when_killed = _committed(journal)
        if result.committed_when_killed >= min_records:
            break
        time.sleep(0.01)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    result.killed = proc.returncode == -signal.SIGKILL
    if not result.killed:
        result.run.crash = (f"the run ended (exit {proc.returncode}) before it could be "
                            "killed")
        return result
    done = subprocess.run([*args, "--resume"], capture_output=True, text=True,
                          errors="replace", timeout=RUN_DEADLINE_S, check=False)
    result.resume_status = done.returncode
    result.resume_output = (done.stdout + done.stderr).strip()
    result.run.status = done.returncode
    result.run.crash = _crash(done.returncode, result.resume_output)
    result.run.seconds = time.monotonic() - started
    runs = out / "runs.jsonl"
    result.invocations = runs.read_text().splitlines() if runs.exists() else []
    return result


def _committed(journal: Path) -> int:
    if not journal.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=0.1)
        try:
            return int(con.execute("select count(*) from records").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


# ------------------------------------------------------------------- the evidence itself


def evidence_files(reference: ReferenceSet, items: Iterable[ReferenceItem]) -> list[Path]:
    """Every file of the items' evidence: each piece and segment, each file in a folder."""
    found: list[Path] = []
    for item in items:
        for part in item.all_parts():
            path = reference.path_of(part)
            found += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return found


def age_access_times(paths: Iterable[Path], days: int = 2) -> tuple[dict[Path, int], int]:
    """Set each file's access time `days` back (older than a day, so that under relatime
    any ordinary read would now move it); the times (ns), and how many files could not be
    set (a unit's reference data on read-only media: those are not checked)."""
    old = time.time() - days * 86400
    times = {}
    refused = 0
    for path in paths:
        try:
            os.utime(path, (old, path.stat().st_mtime))
        except OSError:
            refused += 1
            continue
        times[path] = path.stat().st_atime_ns
    return times, refused


def access_times(paths: Iterable[Path]) -> dict[Path, int]:
    return {path: path.stat().st_atime_ns for path in paths}
