"""Run the fuzz targets under atheris (libFuzzer for Python) for a bounded time.

    python -m fuzz.run --all --seconds 600 --jobs 2      # every target, 10 minutes each
    python -m fuzz.run archive-zip journal --seconds 60  # some targets
    python -m fuzz.run --replay archive-zip FILE...      # run inputs once, no fuzzing

Each target keeps its corpus in fuzz/corpus/TARGET (seeded from fuzz/seeds.py the first
time, grown by the fuzzer; not in git) and writes what fails to fuzz/findings/TARGET
(crash-*, timeout-*, oom-*). A run stops at a finding; the runner starts it again with
the grown corpus until the time is used, so one finding does not end a target's run.
The figures of the run (inputs tried, coverage, findings) go to fuzz/last-run.json and
are printed as the table docs/fuzzing.md keeps.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUZZ = ROOT / "fuzz"
# How many times a target is started again after a finding before the runner gives up on
# it for this run (the same bug found over and over says nothing new).
MAX_RESTARTS = 12
# What libFuzzer writes for an input that failed (a Python exception is a crash).
FAILURES = ("crash-", "timeout-", "oom-", "leak-")


def seed(name: str) -> Path:
    from .targets import TARGETS

    corpus = FUZZ / "corpus" / name
    if corpus.is_dir() and any(corpus.iterdir()):
        return corpus
    corpus.mkdir(parents=True, exist_ok=True)
    scratch = FUZZ / "corpus" / ".build" / name
    scratch.mkdir(parents=True, exist_ok=True)
    for seed_name, data in TARGETS[name].seeds(scratch).items():
        (corpus / seed_name).write_bytes(data)
    return corpus


def child(name: str, libfuzzer_args: list[str]) -> None:
    """Inside the fuzzing process: warm up on the seeds, instrument, fuzz."""
    import atheris

    from .targets import TARGETS

    spec = TARGETS[name]
    corpus = FUZZ / "corpus" / name
    for path in sorted(corpus.iterdir())[:50]:  # imports every module the target uses
        spec.run(path.read_bytes())
    atheris.instrument_all()
    atheris.Setup([sys.argv[0], *libfuzzer_args], spec.run)
    atheris.Fuzz()


_STAT = re.compile(r"stat::(\w+):\s*(\d+)")
_COV = re.compile(r"cov: (\d+) ft: (\d+) corp: (\d+)")


def fuzz(name: str, seconds: int) -> dict[str, object]:
    from .targets import TARGETS

    corpus = seed(name)
    findings = FUZZ / "findings" / name
    findings.mkdir(parents=True, exist_ok=True)
    before = {p.name for p in findings.iterdir()}
    deadline = time.monotonic() + seconds
    runs = 0
    restarts = 0
    coverage = features = 0
    problems: list[str] = []
    log = FUZZ / "findings" / f"{name}.log"
    with log.open("w") as out:
        while restarts <= MAX_RESTARTS:
            left = int(deadline - time.monotonic())
            if left < 5:
                break
            args = [str(corpus), f"-max_total_time={left}", f"-artifact_prefix={findings}/",
                    f"-max_len={TARGETS[name].max_len}", "-timeout=30", "-rss_limit_mb=3072",
                    "-print_final_stats=1"]
            done = subprocess.run([sys.executable, "-m", "fuzz.run", "--child", name, *args],
                                  cwd=ROOT, capture_output=True, text=True)
            out.write(done.stderr)
            stats = dict(_STAT.findall(done.stderr))
            runs += int(stats.get("number_of_executed_units", 0))
            for cov, ft, _corp in _COV.findall(done.stderr):
                coverage, features = max(coverage, int(cov)), max(features, int(ft))
            if done.returncode == 0:
                break
            restarts += 1
            problems.append(_first_problem(done.stderr))
    new = sorted({p.name for p in findings.iterdir()} - before)
    failures = [n for n in new if n.startswith(FAILURES)]
    return {
        "target": name,
        "seconds": seconds,
        "inputs_tried": runs,
        "coverage": coverage,
        "features": features,
        "corpus": sum(1 for _ in corpus.iterdir()),
        "findings": failures,
        # libFuzzer keeps inputs slower than 10 s as slow-unit-*: worth a look, not failures.
        "slow_inputs": [n for n in new if n.startswith("slow-unit")],
        "problems": problems,
        "log": str(log.relative_to(ROOT)),
    }


def _first_problem(stderr: str) -> str:
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        if "Uncaught Python exception" in line or "ERROR: libFuzzer" in line:
            tail = [entry for entry in lines[i:i + 40] if entry.strip()]
            return tail[-1] if tail else line
    return "(no message)"


def replay(name: str, paths: list[str]) -> int:
    from .targets import TARGETS

    failed = 0
    for path in paths:
        try:
            TARGETS[name].run(Path(path).read_bytes())
        except Exception as exc:  # a finding: say which input and why, then go on
            failed += 1
            print(f"{path}: {type(exc).__name__}: {exc}")
    return 1 if failed else 0


def main() -> int:
    from .targets import TARGETS

    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--replay", nargs="+", metavar=("TARGET", "FILE"))
    options = parser.parse_args()
    if options.replay:
        return replay(options.replay[0], options.replay[1:])
    names = sorted(TARGETS) if options.all else options.targets
    unknown = [n for n in names if n not in TARGETS]
    if unknown or not names:
        parser.error(f"choose --all or targets from: {', '.join(sorted(TARGETS))}")
    with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
        results = list(pool.map(lambda n: fuzz(n, options.seconds), names))
    (FUZZ / "last-run.json").write_text(json.dumps(results, indent=2) + "\n")
    print("| target | seconds | inputs tried | coverage | corpus | findings | slow inputs |")
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: |")
    for r in results:
        found = ", ".join(r["findings"]) or "none"  # type: ignore[arg-type]
        print(f"| {r['target']} | {r['seconds']} | {r['inputs_tried']:,} | {r['coverage']} | "
              f"{r['corpus']} | {found} | {len(r['slow_inputs'])} |")  # type: ignore[arg-type]
    return 1 if any(r["findings"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
