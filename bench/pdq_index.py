"""PDQ index: build time, memory, query rate and recall, beside FAISS, on random hashes.

One run, same hashes and queries for every contender:
- safeguard `PdqIndex` with the plan it picks for the size (auto), and forced to m=16;
- FAISS `IndexBinaryMultiHash(256, 16, 16)` with nflip=1 (Meta's matcher's index);
- FAISS `IndexBinaryFlat`, exact, on a few queries only (it reads every hash per query).
Queries: near copies (an indexed hash with 0-31 random bits flipped, uniformly) and random
hashes; max distance 31 (FAISS: range_search radius 32, which is exclusive). Recall is
measured against an exact linear scan (safeguard's, checked equal to IndexBinaryFlat on the
flat index's queries): every (query, id, distance) the scan finds must come back.
Rates use every core this process may use (FAISS through OpenMP, safeguard through
threads), with the whole batch in one call.
Usage: python bench/pdq_index.py [--n 10000000] [--queries 20000] [--truth 1000]
       [--flat-queries 200] [--faiss-queries 5000] [--no-faiss] [--no-save] [--no-record]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import WORK, fresh, machine, record
from safeguard.triage.media.pdq_index import PdqIndex, SearchResult, build_or_load

MAX_DISTANCE = 31


@dataclass
class Row:
    name: str
    build_s: float
    memory: str
    near_rate: float
    near_recall: str
    random_rate: float
    random_recall: str


def near_copies(
    rng: np.random.Generator, hashes: NDArray[np.uint8], count: int
) -> NDArray[np.uint8]:
    """Indexed hashes with 0-31 distinct random bits flipped (uniform in the count)."""
    rows = hashes[rng.integers(0, len(hashes), count)]
    flips = rng.integers(0, MAX_DISTANCE + 1, count)
    order = np.argsort(rng.random((count, 256)), axis=1)  # a random permutation per query
    chosen = order < flips[:, None]  # the first `flips` positions of each permutation
    bits = np.packbits(chosen, axis=1, bitorder="little")
    return np.asarray(rows ^ bits, dtype=np.uint8)


def pairs(result: SearchResult) -> set[tuple[int, int, int]]:
    q = result.query_numbers
    return set(zip(q.tolist(), result.ids.tolist(), result.distances.tolist(), strict=True))


def from_faiss(
    lims: NDArray[np.int64], d: NDArray[np.generic], i: NDArray[np.int64]
) -> SearchResult:
    return SearchResult(lims.astype(np.int64), i.astype(np.int64), d.astype(np.int32))


def head(result: SearchResult, n: int) -> SearchResult:
    """The first n queries' matches."""
    stop = int(result.offsets[n])
    return SearchResult(result.offsets[: n + 1], result.ids[:stop], result.distances[:stop])


def recall(found: set[tuple[int, int, int]], truth: set[tuple[int, int, int]]) -> str:
    if not truth:
        return "exact (no matches)" if not found else f"{len(found)} wrong"
    hit = len(found & truth)
    extra = len(found - truth)
    text = f"{100 * hit / len(truth):.2f} % ({hit}/{len(truth)})"
    return text + (f", {extra} wrong" if extra else "")


def mb(nbytes: int) -> str:
    return f"{nbytes / 1e6:,.0f} MB"


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


Queries = dict[str, NDArray[np.uint8]]
Truth = dict[str, set[tuple[int, int, int]]]


def ground_truth(index: PdqIndex, kinds: Queries, n: int) -> tuple[Truth, list[str]]:
    truth: Truth = {}
    notes = []
    for kind, q in kinds.items():
        t = time.perf_counter()
        truth[kind] = pairs(index.search(q[:n], MAX_DISTANCE, method="linear"))
        secs = time.perf_counter() - t
        notes.append(
            f"Ground truth ({kind}): linear scan of {n} queries ({n / secs:,.1f} queries/s), "
            f"{len(truth[kind])} matches."
        )
    return truth, notes


def measure_ours(
    name: str, index: PdqIndex, build_s: float, kinds: Queries, truth: Truth, n: int
) -> Row:
    index.search(kinds["near"][:64])  # first touch of the pages
    cells: dict[str, tuple[float, str]] = {}
    for kind, q in kinds.items():
        t = time.perf_counter()
        result = index.search(q, MAX_DISTANCE)
        secs = time.perf_counter() - t
        cells[kind] = (len(q) / secs, recall(pairs(head(result, n)), truth[kind]))
    return Row(name, build_s, mb(index.nbytes), *cells["near"], *cells["random"])


def measure_faiss(
    hashes: NDArray[np.uint8], kinds: Queries, truth: Truth, n: int, many: int, few: int
) -> tuple[list[Row], list[str]]:
    import faiss

    rows, notes = [], []
    before = rss()
    multi = faiss.IndexBinaryMultiHash(256, 16, 16)
    multi.nflip = 1  # radius 1 per 16-bit substring: exact up to 31 by the pigeonhole
    t = time.perf_counter()
    multi.add(hashes)
    build = time.perf_counter() - t
    memory = f"~{mb(rss() - before)} (RSS growth)"
    cells: dict[str, tuple[float, str]] = {}
    for kind, q in kinds.items():
        t = time.perf_counter()
        lims, d, i = multi.range_search(q[:many], MAX_DISTANCE + 1)  # radius is exclusive
        secs = time.perf_counter() - t
        found = pairs(head(from_faiss(lims, d, i), n))
        cells[kind] = (min(many, len(q)) / secs, recall(found, truth[kind]))
    name = "FAISS IndexBinaryMultiHash(256, 16, 16), nflip=1"
    rows.append(Row(name, build, memory, *cells["near"], *cells["random"]))
    notes.append(f"FAISS MultiHash rates over the first {many} queries of each kind.")
    del multi

    flat = faiss.IndexBinaryFlat(256)
    t = time.perf_counter()
    flat.add(hashes)
    build = time.perf_counter() - t
    cells = {}
    for kind, q in kinds.items():
        t = time.perf_counter()
        lims, d, i = flat.range_search(q[:few], MAX_DISTANCE + 1)
        secs = time.perf_counter() - t
        found = pairs(from_faiss(lims, d, i))
        expected = {p for p in truth[kind] if p[0] < few}
        if found != expected:  # the ground truth itself is checked
            raise SystemExit(f"the linear scan and IndexBinaryFlat disagree ({kind})")
        cells[kind] = (few / secs, recall(found, expected))
    name = "FAISS IndexBinaryFlat (exact)"
    rows.append(Row(name, build, mb(hashes.nbytes), *cells["near"], *cells["random"]))
    notes.append(
        f"FAISS IndexBinaryFlat over the first {few} queries of each kind; its matches equal "
        "the linear scan's (checked)."
    )
    return rows, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="indexed hashes")
    parser.add_argument("--queries", type=int, default=20_000, help="queries of each kind")
    parser.add_argument("--truth", type=int, default=1000, help="queries of each kind scanned")
    parser.add_argument("--flat-queries", type=int, default=200)
    parser.add_argument("--faiss-queries", type=int, default=5000)
    parser.add_argument("--no-faiss", action="store_true")
    parser.add_argument("--no-save", action="store_true", help="skip the save/reload timing")
    parser.add_argument("--no-record", action="store_true",
                        help="print only; leave docs/benchmarks.md alone (a larger size)")
    args = parser.parse_args()

    rng = np.random.default_rng(2024)
    hashes = rng.integers(0, 256, (args.n, 32), dtype=np.uint8)
    kinds: Queries = {
        "near": near_copies(rng, hashes, args.queries),
        "random": rng.integers(0, 256, (args.queries, 32), dtype=np.uint8),
    }
    n = min(args.truth, args.queries)
    rows: list[Row] = []

    PdqIndex(hashes[:1000]).search(kinds["near"][:2])  # compile, or load the compiled kernels
    t = time.perf_counter()
    index = PdqIndex(hashes)
    build = time.perf_counter() - t
    truth, notes = ground_truth(index, kinds, n)
    plan = f"auto: m={index.m}, {'/'.join(map(str, sorted(set(index.substring_bits))))}-bit"
    rows.append(measure_ours(f"safeguard PdqIndex ({plan})", index, build, kinds, truth, n))
    if not args.no_save:
        folder = fresh(WORK / "pdq-index")
        t = time.perf_counter()
        index.save(folder)
        save = time.perf_counter() - t
        t = time.perf_counter()
        build_or_load(folder, hashes)
        reload = time.perf_counter() - t
        notes.append(
            f"Save: {save:.1f} s; `build_or_load` of the unchanged hashes (their SHA-256, "
            f"then the saved index memory-mapped): {reload:.2f} s."
        )
        fresh(folder)
    del index

    t = time.perf_counter()
    m16 = PdqIndex(hashes, m=16)
    build = time.perf_counter() - t
    rows.append(measure_ours("safeguard PdqIndex (m=16, forced)", m16, build, kinds, truth, n))
    del m16

    if not args.no_faiss:
        more_rows, more_notes = measure_faiss(
            hashes, kinds, truth, n, args.faiss_queries, min(args.flat_queries, n)
        )
        rows += more_rows
        notes += more_notes

    lines = [
        "## PDQ index",
        "",
        f"{args.n:,} random 256-bit hashes; {args.queries:,} near-copy queries (0-31 bits "
        f"flipped) and {args.queries:,} random queries; max distance {MAX_DISTANCE}; "
        f"{machine()}. Recall: over the first {n} queries of each kind, against an exact "
        f"scan. Command: `python bench/pdq_index.py --n {args.n} --queries {args.queries}`.",
        "",
        "| index | build (s) | memory | near-copy queries/s | near-copy recall "
        "| random queries/s | random recall |",
        "|---|---:|---:|---:|---|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.build_s:.2f} | {r.memory} | {r.near_rate:,.0f} | {r.near_recall} "
            f"| {r.random_rate:,.0f} | {r.random_recall} |"
        )
    lines += ["", *(f"- {note}" for note in notes)]
    if args.no_record:
        print("\n".join(lines))
    else:
        record("pdq_index", "\n".join(lines))


if __name__ == "__main__":
    main()
