"""Checks across runs: the same evidence gives byte-identical reports, a run killed with
SIGKILL and resumed gives the same reports, the evidence is unchanged by it all, and the
reference data exercises every evidence source, file system and volume system.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from .assertions import Assertion, RunView, assertion, shorten
from .engine import KilledRun

# report.json differs between two runs only in these (docs/report-format.md,
# "Deterministic"); report.html prints them too.
RUN_TIMES = ("started", "finished")
# The files a run's reports consist of, compared byte for byte.
REPORTS = ("report.json", "files.csv", "case.vics.json", "report.html")
# What docs/evidence.md says the engine reads (tests/validate/test_docs.py holds the
# lists to that page).
FILE_SYSTEMS = ("FAT12", "FAT16", "FAT32", "exFAT", "NTFS", "ext2", "ext3", "ext4", "ISO 9660")
# Where files.csv names a file system otherwise than the documentation.
REPORTED_AS = {"ISO 9660": "ISO9660"}
VOLUME_SYSTEMS = ("MBR", "GPT")


def _masked(folder: Path, name: str) -> bytes:
    """A report's bytes with the run's start and finish times replaced by one marker (the
    two are often the same second, so they cannot be told apart by their value)."""
    data = (folder / name).read_bytes()
    try:
        report = json.loads((folder / "report.json").read_text("utf-8"))
    except (OSError, ValueError):
        return data
    for key in RUN_TIMES:
        if report.get(key):
            data = data.replace(str(report[key]).encode(), b"<run time>")
    return data


def report_differences(first: Path, second: Path) -> list[str]:
    problems = []
    for name in REPORTS:
        try:
            a, b = _masked(first, name), _masked(second, name)
        except OSError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if a != b:
            at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                      min(len(a), len(b)))
            problems.append(f"{name} differs from byte {at:,} ({len(a):,} and {len(b):,} "
                            f"bytes): …{a[max(0, at - 30):at + 30]!r}… against "
                            f"…{b[max(0, at - 30):at + 30]!r}…")
    return problems


def check_determinism(first: RunView, second: RunView) -> Assertion:
    checks = ("Two runs over the same evidence with the same options give byte-identical "
              f"{', '.join(REPORTS)} (report.json and report.html apart from the start and "
              "finish times)")
    expected = "identical"
    broken = [v.problem for v in (first, second) if v.problem]
    problems = broken or report_differences(first.run.out, second.run.out)
    return assertion("DET-01", "determinism", checks, expected, problems=problems,
                     ok=f"identical ({first.run.seconds:.1f} s and {second.run.seconds:.1f} s)")


def check_resume(killed: KilledRun, baseline: RunView) -> Assertion:
    checks = ("A `safeguard triage` killed with SIGKILL part way and finished with --resume "
              "skips what it had journalled and gives the same reports as an uninterrupted run")
    expected = "killed part way; resumed run skips journalled files; identical reports"
    problems: list[str] = []
    if killed.run.crash:
        problems.append(killed.run.crash)
    elif killed.resume_status != baseline.run.status:
        problems.append(f"the resumed run exited {killed.resume_status}, the uninterrupted "
                        f"one {baseline.run.status}: {killed.resume_output[-300:]}")
    else:
        # The killed invocation never reached the end, where runs.jsonl is written.
        lines = [json.loads(line) for line in killed.invocations]
        if not lines or not lines[-1].get("resumed") or not lines[-1].get("skipped"):
            problems.append(f"runs.jsonl does not show a resumed run that skipped files: "
                            f"{killed.invocations}")
        problems += report_differences(baseline.run.out, killed.run.out)
    skipped = json.loads(killed.invocations[-1]).get("skipped") if killed.invocations else 0
    return assertion("RES-01", "resume", checks, expected, problems=problems,
                     ok=f"killed after {killed.committed_when_killed} journalled records; the "
                        f"resumed run skipped {skipped} files; identical reports")


def check_digests_unchanged(before: dict[Path, str], after: dict[Path, str],
                            folder: Path) -> Assertion:
    checks = ("Every evidence file (each piece, segment and file in a folder) has the same "
              "SHA-256 after all the runs as before them")
    changed = [f"{_rel(p, folder)}: {before[p][:16]}… → {after.get(p, 'missing')[:16]}…"
               for p in before if after.get(p) != before[p]]
    return assertion("UNCH-01", "unchanged", checks, f"{len(before)} files unchanged",
                     problems=changed, ok=f"{len(before)} files, SHA-256 unchanged")


def check_access_times(before: dict[Path, int], after: dict[Path, int],
                       folder: Path, read_only: int = 0) -> Assertion:
    checks = ("The access time of every evidence file, set two days back before the runs, "
              "is unchanged by them (read with O_NOATIME; relatime would move a time older "
              "than a day)")
    changed = [f"{_rel(p, folder)}: moved by {(after[p] - before[p]) / 1e9:.0f} s"
               for p in before if after.get(p) != before[p]]
    skipped = (f"; {read_only} files could not be set back (read-only) and were not checked"
               if read_only else "")
    return assertion("UNCH-02", "unchanged", checks, f"{len(before)} access times unchanged",
                     problems=changed, ok=f"{len(before)} access times unchanged{skipped}")


def _rel(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


def engine_sources() -> dict[str, str]:
    """Every concrete evidence source class the engine has, wherever in its evidence
    package it is defined: {NAME: class name}."""
    import safeguard.triage.evidence as package
    from safeguard.triage.evidence import Source

    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
    found: dict[str, str] = {}
    pending = list(Source.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not inspect.isabstract(cls) and cls.__module__.startswith("safeguard."):
            found[cls.NAME] = cls.__name__
    return found


def check_coverage(views: Sequence[RunView]) -> list[Assertion]:
    kinds = {str(e.get("kind")) for v in views for e in v.report.get("evidence") or []}
    filesystems = {row["filesystem"] for v in views for row in v.rows if row["filesystem"]}
    volumes = {str((e.get("detail") or {}).get("volume_system"))
               for v in views for e in v.report.get("evidence") or []}
    try:
        sources = engine_sources()
        problems = [f"no reference item is read by {cls} ({name})"
                    for name, cls in sorted(sources.items()) if name not in kinds]
    except Exception as exc:  # an evidence module that does not import is a finding
        sources, problems = {}, [f"the engine's evidence sources cannot be listed: {exc}"]
    return [
        assertion("COV-01", "coverage", "Every evidence source the engine has reads at least "
                  "one item of the reference data", f"{len(sources)} sources covered",
                  problems=problems, ok=f"{shorten(sorted(sources), 8)}: each read"),
        assertion("COV-02", "coverage", "Every file system and volume system the "
                  "documentation says the engine reads is in the reference data and read",
                  shorten((*FILE_SYSTEMS, *VOLUME_SYSTEMS), 10),
                  problems=_missing(FILE_SYSTEMS, filesystems) + _missing(VOLUME_SYSTEMS,
                                                                           volumes),
                  ok=f"{len(FILE_SYSTEMS)} file systems and {len(VOLUME_SYSTEMS)} volume "
                     "systems, each read"),
    ]


def _missing(wanted: Iterable[str], seen: set[str]) -> list[str]:
    return [f"{name} is not read in any run" for name in wanted
            if REPORTED_AS.get(name, name) not in seen]
