"""Benchmark: import a synthetic NSRL RDS v2 list and look up a million digests in it.

    .venv/bin/python bench/hashset_lookup.py                 # 50,000,000 rows
    .venv/bin/python bench/hashset_lookup.py --rows 5000000 --no-record

The list is random digests (nothing real, nothing harmful) in the exact RDS v2 layout.
Import and lookup each run in a child process so that their peak RSS is their own.
Half the queries are digests from the list, half are fresh random ones; the count of
hits is checked, so a fast wrong answer cannot pass as a result.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import record
from safeguard.triage.hashsets import HashSetStore
from safeguard.triage.hashsets.formats.nsrl import V2_HEADER

HEX = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
GEN_CHUNK = 1_000_000
SET_NAME = "bench-nsrl"


def _hex(raw: np.ndarray) -> np.ndarray:
    """(n, k) bytes → (n, 2k) upper-case ASCII hex, without a Python call per row."""
    out = np.empty((raw.shape[0], raw.shape[1] * 2), dtype=np.uint8)
    out[:, 0::2] = HEX[raw >> 4]
    out[:, 1::2] = HEX[raw & 15]
    return out


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values[:, None] // powers) % 10 + 48).astype(np.uint8)


def _text(s: str, n: int) -> np.ndarray:
    return np.broadcast_to(np.frombuffer(s.encode(), dtype=np.uint8), (n, len(s)))


def generate(path: Path, rows: int, hits: int, seed: int = 2024) -> np.ndarray:
    """Write `rows` random RDS v2 lines; return `hits` of their SHA-1s, spread over the file."""
    rng = np.random.default_rng(seed)
    sample: list[np.ndarray] = []
    with path.open("wb") as out:
        out.write((V2_HEADER + "\r\n").encode())
        for start in range(0, rows, GEN_CHUNK):
            n = min(GEN_CHUNK, rows - start)
            sha1 = rng.integers(0, 256, (n, 20), dtype=np.uint8)
            md5 = rng.integers(0, 256, (n, 16), dtype=np.uint8)
            crc = rng.integers(0, 256, (n, 4), dtype=np.uint8)
            ids = np.arange(start, start + n, dtype=np.int64)
            size = rng.integers(1, 99_999_999, n, dtype=np.int64)
            line = np.concatenate(
                [
                    _text('"', n),
                    _hex(sha1),
                    _text('","', n),
                    _hex(md5),
                    _text('","', n),
                    _hex(crc),
                    _text('","file', n),
                    _digits(ids, 10),
                    _text('.dll",', n),
                    _digits(size, 8),
                    _text(',1000,"358",""\r\n', n),
                ],
                axis=1,
            )
            out.write(line.tobytes())
            take = min(n, -(-hits * n // rows))
            sample.append(sha1[rng.choice(n, take, replace=False)])
    return np.concatenate(sample)[:hits]


def _child(phase: str, workdir: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--workdir", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _peak_rss_mib() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux carries ru_maxrss over from
    the parent through fork and exec, which would report the generator's peak."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_import(workdir: Path) -> dict[str, float]:
    store = HashSetStore(workdir / "home" / "hashsets")
    started = time.perf_counter()
    info = store.import_file(workdir / "NSRLFile.txt", SET_NAME, "known-good", replace=True)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "entries": info.entries, "peak_rss_mib": _peak_rss_mib()}


def phase_lookup(workdir: Path) -> dict[str, float]:
    queries = np.load(workdir / "queries.npy")
    expected = int(np.load(workdir / "expected.npy"))
    as_hex = [bytes(q).hex() for q in queries]  # the API's input: hex text, as hashing gives
    store = HashSetStore(workdir / "home" / "hashsets")
    result: dict[str, float] = {}
    with store.open(SET_NAME) as nsrl:
        for label in ("first", "second"):
            started = time.perf_counter()
            rows = nsrl.lookup("sha1", as_hex)
            seconds = time.perf_counter() - started
            hits = int((rows >= 0).sum())
            if hits != expected:
                raise SystemExit(f"wrong answer: {hits} hits, expected {expected}")
            result[f"{label}_rate"] = len(as_hex) / seconds
        started = time.perf_counter()
        nsrl.lookup_bytes("sha1", queries)
        result["bytes_rate"] = len(queries) / (time.perf_counter() - started)
    result["peak_rss_mib"] = _peak_rss_mib()
    return result


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000_000)
    parser.add_argument("--queries", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="do not delete the workdir")
    parser.add_argument(
        "--no-record", action="store_true", help="print only; leave docs/benchmarks.md alone"
    )
    parser.add_argument("--phase", choices=("import", "lookup"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run = phase_import if args.phase == "import" else phase_lookup
        print(json.dumps(run(args.workdir)))
        return

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="safeguard-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        source = workdir / "NSRLFile.txt"
        hits = args.queries // 2
        print(f"generating {args.rows:,} rows in {source} ...", file=sys.stderr)
        started = time.perf_counter()
        present = generate(source, args.rows, hits)
        gen_seconds = time.perf_counter() - started
        rng = np.random.default_rng(7)
        absent = rng.integers(0, 256, (args.queries - len(present), 20), dtype=np.uint8)
        queries = np.concatenate([present, absent])
        rng.shuffle(queries)
        np.save(workdir / "queries.npy", queries)
        np.save(workdir / "expected.npy", np.array(len(present)))

        print(f"importing ({_gib(source.stat().st_size)}) ...", file=sys.stderr)
        imported = _child("import", workdir)
        print("looking up ...", file=sys.stderr)
        looked = _child("lookup", workdir)
        store_size = _du(workdir / "home" / "hashsets" / SET_NAME)
        block = _markdown(args, source.stat().st_size, gen_seconds, imported, looked, store_size)
        if args.no_record:
            print(block)
        else:
            record("hashset_lookup", block)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def _markdown(
    args: argparse.Namespace,
    source_size: int,
    gen_seconds: float,
    imported: dict[str, float],
    looked: dict[str, float],
    store_size: int,
) -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = int(imported["entries"])
    return "\n".join(
        [
            f"### Hash-set import and exact lookup: {rows:,} NSRL RDS v2 rows ({when})",
            "",
            f"Machine: {os.cpu_count()} CPUs, {_gib(memory)} RAM, {platform.machine()}, "
            f"Python {platform.python_version()}, numpy {np.__version__}. "
            f"Synthetic list generated in {gen_seconds:.1f} s.",
            "",
            "| measure | value |",
            "| --- | --- |",
            f"| source list | {_gib(source_size)} |",
            f"| import (copy + sha256 + parse + index) | {imported['seconds']:.1f} s "
            f"({rows / imported['seconds']:,.0f} rows/s) |",
            f"| store size (kept copy + indexes) | {_gib(store_size)} |",
            f"| import peak RSS | {imported['peak_rss_mib']:,.0f} MiB |",
            f"| lookup, {args.queries:,} SHA-1 hex (half hits), first pass | "
            f"{looked['first_rate']:,.0f} /s |",
            f"| lookup, same queries, second pass | {looked['second_rate']:,.0f} /s |",
            f"| lookup, digests as bytes (no hex decode) | {looked['bytes_rate']:,.0f} /s |",
            f"| lookup peak RSS (includes mapped index pages) | "
            f"{looked['peak_rss_mib']:,.0f} MiB |",
            "",
        ]
    )


if __name__ == "__main__":
    main()
