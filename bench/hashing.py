"""Hashing throughput: `safeguard triage` beside hashdeep and beside the machine's limit.

Two workloads, as issues 2 and 20 set them: one large file, and files of 5–200 KiB.
Every contender computes MD5 and SHA-1 over the same bytes, from a warm page cache:
- `safeguard triage DIR --digests md5,sha1` (the whole command: start-up, walk, journal,
  reports), its files examined in worker processes (the default);
- the same run with every item on threads of one process (`worker_processes=False`,
  how triage ran before issue 20), for comparison;
- `hashdeep -c md5,sha1 -r DIR`;
- the limit: the simplest program that reads every file and digests it, one process per
  core (the files dealt out among them; for one large file, one digest a process over
  the file mapped in memory), with no journal or report (`--limit DIR` below).
The contenders run one after the other, `--runs` times over: each round's ratios are of
runs a few seconds apart, so a machine shared with other work moves them less than it
moves the rates.
Usage: python bench/hashing.py [--large-gib 2] [--files 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import hashlib
import mmap
import os
import random
import resource
import statistics
import sys
import time
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SAFEGUARD, WORK, fresh, machine, record, run_command

CHUNK = 4 * 1024 * 1024
DIGESTS = ("md5", "sha1")


def make_large(folder: Path, size: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "large.bin"
    if not path.exists() or path.stat().st_size != size:
        block = os.urandom(64 * 1024 * 1024)
        with path.open("wb") as f:
            written = 0
            while written < size:
                piece = block[: min(len(block), size - written)]
                f.write(piece)
                written += len(piece)
    return [path]


def make_small(folder: Path, count: int) -> list[Path]:
    rng = random.Random(2)
    blob = os.urandom(200 * 1024)
    paths = []
    for i in range(count):
        sub = folder / f"d{i // 500:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"f{i:05d}.bin"
        size = rng.randint(5 * 1024, 200 * 1024)
        if not path.exists() or path.stat().st_size != size:
            path.write_bytes(blob[: size - 8] + i.to_bytes(8, "little"))
        paths.append(path)
    return paths


# -- the limit: a program of its own, run as a command like the others ------------------


def _digest_files(paths: list[str], names: tuple[str, ...]) -> None:
    for path in paths:
        hashers = [hashlib.new(n) for n in names]
        fd = os.open(path, os.O_RDONLY)
        try:
            size = os.fstat(fd).st_size
            if size >= CHUNK:
                with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as mapped:
                    view = memoryview(mapped)
                    for offset in range(0, size, CHUNK):
                        for h in hashers:
                            h.update(view[offset:offset + CHUNK])
                    view.release()
            else:
                data = os.read(fd, size + 1)
                for h in hashers:
                    h.update(data)
        finally:
            os.close(fd)
        for h in hashers:
            h.digest()


def limit_program(folder: str) -> None:
    """Read and digest every file under `folder`, one process per core."""
    paths = sorted(os.path.join(root, name) for root, _, names in os.walk(folder)
                   for name in names)
    cores = os.cpu_count() or 1
    if len(paths) == 1:  # one file: each digest in a process of its own
        jobs = [(paths, (name,)) for name in DIGESTS]
    else:
        jobs = [(paths[i::cores], DIGESTS) for i in range(cores)]
    with get_context("fork").Pool(len(jobs)) as pool:
        pool.starmap(_digest_files, jobs)


# -- the runs ----------------------------------------------------------------------------

ON_THREADS = (
    "import sys; from pathlib import Path; "
    "from safeguard.triage import TriageOptions, triage; "
    "triage([sys.argv[1]], TriageOptions(out_dir=Path(sys.argv[2]), digests=('md5', 'sha1'), "
    "worker_processes=False))"
)


def measure(name: str, folder: Path, paths: list[Path], runs: int) -> list[dict[str, float]]:
    total = sum(p.stat().st_size for p in paths)
    out = WORK / "out"
    commands = {
        "safeguard": [SAFEGUARD, "triage", str(folder), "--digests", "md5,sha1", "--out",
                      str(out), "--quiet"],
        "threads": [sys.executable, "-c", ON_THREADS, str(folder), str(out)],
        "hashdeep": ["hashdeep", "-c", "md5,sha1", "-r", str(folder)],
        "limit": [sys.executable, __file__, "--limit", str(folder)],
    }

    def timed(command: list[str]) -> tuple[float, float]:
        """Wall seconds, and CPU seconds of the command and every process it started."""
        fresh(out)
        cpu = _children_cpu()
        started = time.perf_counter()
        run_command(command)
        return time.perf_counter() - started, _children_cpu() - cpu

    for command in commands.values():
        timed(command)  # warm the page cache and the imports
    rounds = []
    for number in range(1, runs + 1):
        rates: dict[str, float] = {}
        for label, command in commands.items():
            seconds, cpu = timed(command)
            rates[label] = total / seconds / 1e6
            rates[f"{label} cpu"] = cpu
        rounds.append(rates)
        print(f"{name} round {number}: " + ", ".join(f"{k} {v:.2f}"
                                                     for k, v in rates.items()), flush=True)
    return rounds


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large-gib", type=float, default=2.0)
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.limit:
        limit_program(args.limit)
        return
    load_before = os.getloadavg()
    large_dir, small_dir = WORK / "hash-large", WORK / f"hash-small-{args.files}"
    results = {
        f"one {args.large_gib:g} GiB file": measure(
            "large", large_dir, make_large(large_dir, int(args.large_gib * 2**30)), args.runs
        ),
        f"{args.files:,} files of 5–200 KiB": measure(
            "small", small_dir, make_small(small_dir, args.files), args.runs
        ),
    }
    load_after = os.getloadavg()
    record("hashing", _markdown(args, results, load_before, load_after))


def _markdown(args: argparse.Namespace, results: dict[str, list[dict[str, float]]],
              load_before: tuple[float, float, float],
              load_after: tuple[float, float, float]) -> str:
    lines = [
        "## Hashing: MD5 + SHA-1 (`bench/hashing.py`)",
        "",
        f"Machine: {machine()}; load average (1 min) {load_before[0]:.1f} before the runs, "
        f"{load_after[0]:.1f} after. Command: `python bench/hashing.py --large-gib "
        f"{args.large_gib:g} --files {args.files} --runs {args.runs}` (warm page cache; "
        f"{args.runs} rounds, each running every contender once, one after the other).",
        "",
        "| workload | round | safeguard triage MB/s | on threads MB/s | hashdeep MB/s "
        "| limit MB/s | × hashdeep | % of limit | on threads, % of limit "
        "| CPU s: safeguard / threads / limit |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    summary = []
    for workload, rounds in results.items():
        for number, r in enumerate(rounds, start=1):
            lines.append(
                f"| {workload} | {number} | {r['safeguard']:.0f} | {r['threads']:.0f} "
                f"| {r['hashdeep']:.0f} | {r['limit']:.0f} "
                f"| {r['safeguard'] / r['hashdeep']:.2f}× "
                f"| {100 * r['safeguard'] / r['limit']:.0f} % "
                f"| {100 * r['threads'] / r['limit']:.0f} % "
                f"| {r['safeguard cpu']:.2f} / {r['threads cpu']:.2f} / {r['limit cpu']:.2f} |")
        ratios = [100 * r["safeguard"] / r["limit"] for r in rounds]
        before = [100 * r["threads"] / r["limit"] for r in rounds]
        summary.append(f"- {workload}: {statistics.median(ratios):.0f} % of the limit "
                       f"(median of the rounds; {min(ratios):.0f}–{max(ratios):.0f} %), "
                       f"on threads {statistics.median(before):.0f} %.")
    lines += [
        "",
        *summary,
        "",
        "Targets (issues 2 and 20): ≥ 2.5× hashdeep on the large file, ≥ 1.8× on the small "
        "files, ≥ 85 % of the limit on both. The safeguard figure is the whole `safeguard "
        "triage` command (start-up, walk, journal, reports); the limit reads and digests "
        "every file, one process per core, and does nothing else. CPU seconds count every "
        "process a command started: on a machine shared with other work they move less "
        "than the rates do.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
