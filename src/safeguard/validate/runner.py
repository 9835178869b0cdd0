"""The validation, start to finish: build the reference data, digest the evidence, run
the engine (twice, and once killed and resumed), check every assertion, and collect the
environment. The report writers (report_html.py, report_files.py) take the result.

The order matters for the evidence checks: the evidence is digested first, its access
times are set back before the engine's runs and read after them, before anything else
reads the evidence (TSK's tools, hashlib), and it is digested again at the very end.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import engine
from .assertions import GROUPS, Assertion, RunView
from .checks_files import ITEM_CHECKS
from .checks_repeat import (
    check_access_times,
    check_coverage,
    check_determinism,
    check_digests_unchanged,
    check_resume,
)
from .checks_runs import RUN_CHECKS, check_outcome
from .environment import collect
from .groundtruth import ReferenceItem, ReferenceSet, load
from .independent import file_digest
from .reference import DEFAULT_SEED, build_reference

# A run killed once its journal holds this many records is part way through the
# reference data's folder of many files (the journal commits every 512 records).
KILL_AT_RECORDS = 1


@dataclass
class ValidationOptions:
    out: Path
    references: Sequence[Path] = ()
    seed: int = DEFAULT_SEED
    groups: Sequence[str] = tuple(GROUPS)
    quick: bool = False
    # Only these items of the built-in reference data (tests, a program's own checks).
    items: Sequence[str] | None = None
    ntfs_fixture: Path | None = None
    progress: Callable[[str], None] = lambda message: None


@dataclass
class Planned:
    """A run to make: the items of one reference set triaged together."""

    reference: ReferenceSet
    items: list[ReferenceItem]
    scope: str  # how its assertions are named: "main", an item id, R1-…
    main: bool
    prefix: str = ""  # "" for the built-in reference data, "R1-" … for a unit's sets


@dataclass
class Validation:
    options: ValidationOptions
    started: str
    finished: str = ""
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    references: list[ReferenceSet] = field(default_factory=list)
    assertions: list[Assertion] = field(default_factory=list)
    runs: list[engine.EngineRun] = field(default_factory=list)
    environment: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> list[Assertion]:
        return [a for a in self.assertions if not a.passed]

    def outcome(self) -> str:
        """The one line at the top of the report."""
        total = len(self.assertions)
        if not total:
            return "NOT VALIDATED: no assertion was checked"
        if not self.failed:
            scope = f" ({self.scope()})" if self.scope() else ""
            return f"PASSED: all {total} assertions passed{scope}"
        ids = ", ".join(a.id for a in self.failed[:6])
        more = f" and {len(self.failed) - 6} more" if len(self.failed) > 6 else ""
        return f"FAILED: {len(self.failed)} of {total} assertions failed ({ids}{more})"

    def scope(self) -> str:
        """"" for a whole validation; else what was left out, said beside the outcome."""
        left_out = [g for g in GROUPS if g not in self.options.groups]
        parts = (["the quick reference set"] if self.options.quick else []) + (
            [f"items {', '.join(self.options.items)}"] if self.options.items else []) + (
            [f"without {', '.join(left_out)}"] if left_out else [])
        return f"not a full validation: {'; '.join(parts)}" if parts else ""


class _Clock:
    def __init__(self, validation: Validation, progress: Callable[[str], None]) -> None:
        self.validation = validation
        self.progress = progress
        self.last = time.monotonic()

    def stage(self, name: str) -> None:
        now = time.monotonic()
        self.validation.stages[name] = round(now - self.last, 1)
        self.last = now
        self.progress(f"{name}: {self.validation.stages[name]} s")


def _plan(reference: ReferenceSet, prefix: str) -> list[Planned]:
    """Items that end cleanly and whose ground truth states everything are triaged
    together (one run, one set of figures); each other item alone, so that its exit code
    and warnings are its own."""
    together = [item for item in reference.items
                if item.exit_status == 0 and item.complete and all(
                    f.size is not None and f.type and f.sha1 for f in item.files)]
    plans = [Planned(reference, together, f"{prefix}main", True, prefix)] if together else []
    plans += [Planned(reference, [item], f"{prefix}{item.id}", False, prefix)
              for item in reference.items if item not in together]
    return plans


def validate(options: ValidationOptions) -> Validation:
    """Run the validation into options.out (its reference data, runs and hash sets stay
    there for the unit's file); GroundTruthError for an unusable --reference folder."""
    wanted = set(options.groups)
    started = time.monotonic()
    result = Validation(options, datetime.now(UTC).isoformat(timespec="seconds"))
    clock = _Clock(result, options.progress)
    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("runs", "home"):
        shutil.rmtree(out / stale, ignore_errors=True)
    unit_sets = [load(folder) for folder in options.references]
    built = build_reference(out / "reference-data", options.seed, quick=options.quick,
                            items=options.items, ntfs_fixture=options.ntfs_fixture)
    result.references = [built, *unit_sets]
    clock.stage("building the reference data")

    plans: list[Planned] = []
    for n, reference in enumerate(result.references):
        plans += _plan(reference, "" if n == 0 else f"R{n}-")
    every_file = [p for plan in plans for p in engine.evidence_files(plan.reference, plan.items)]
    before = {path: file_digest(path) for path in every_file}
    atimes, read_only = engine.age_access_times(every_file)
    clock.stage("digesting the evidence")

    homes = {id(r): out / "home" / f"set{n}" for n, r in enumerate(result.references)}
    for reference in result.references:
        engine.import_sets(reference, homes[id(reference)])
    views: dict[str, RunView] = {}
    main = next((p for p in plans if p.main and p.reference is built), None)
    runs_folder = out / "runs"
    for plan in plans:
        run = engine.run_triage(plan.scope, plan.reference, plan.items,
                                runs_folder / plan.scope, homes[id(plan.reference)])
        result.runs.append(run)
        views[plan.scope] = RunView(run)
        options.progress(f"  triage {plan.scope}: exit {run.status} in {run.seconds:.1f} s")
        if plan is main and "determinism" in wanted:
            repeat = engine.run_triage("main again", built, plan.items,
                                       runs_folder / "main-again", homes[id(built)])
            result.runs.append(repeat)
            result.assertions.append(check_determinism(views["main"], RunView(repeat)))
        if plan is main and "resume" in wanted:
            killed = engine.run_killed_then_resumed(built, plan.items, runs_folder /
                                                    "main-resumed", homes[id(built)],
                                                    KILL_AT_RECORDS)
            result.runs.append(killed.run)
            result.assertions.append(check_resume(killed, views["main"]))
    after_runs = engine.access_times(atimes)
    clock.stage("running the engine")

    for plan in plans:
        view = views[plan.scope]
        for group, checks in ITEM_CHECKS.items():
            if group in wanted:
                for item in plan.items:
                    for check in checks:
                        if found := check(view, plan.reference, item):
                            found.id = plan.prefix + found.id
                            result.assertions.append(found)
        for group, run_checks in RUN_CHECKS.items():
            if group in wanted:
                result.assertions += [a for check in run_checks
                                      if (a := check(view, plan.reference, plan.items,
                                                     plan.scope))]
        if "outcomes" in wanted:
            result.assertions.append(check_outcome(view, plan.reference, plan.items,
                                                   plan.scope))
    if "coverage" in wanted:
        result.assertions += check_coverage([views[p.scope] for p in plans
                                             if p.reference is built])
    if "unchanged" in wanted:
        after = {path: file_digest(path) for path in every_file}
        result.assertions += [check_digests_unchanged(before, after, out),
                              check_access_times(atimes, after_runs, out, read_only)]
    order = list(GROUPS)
    result.assertions.sort(key=lambda a: order.index(a.group))
    clock.stage("checking the assertions")
    result.environment = collect()
    result.finished = datetime.now(UTC).isoformat(timespec="seconds")
    result.seconds = round(time.monotonic() - started, 1)
    return result
