"""PDQ on still images: throughput on 12-megapixel JPEGs, and distance to the reference.

Side by side in one run, on the same files (page cache warm, each task reads its file):
  (a) safeguard: `hash_image_bytes` (reduced-size decode to luma, numpy PDQ)
  (b) pdqhash, Meta's C++, on a full RGB decode (the reference)
  (c) imagehash's pHash on a full decode
  (d) Pillow's reduced-size draft decode alone, the decode Safeguard does (the ceiling)
      and, for context, the same draft to RGB.
Each runs on 1 thread, on 2 threads (Safeguard's pipeline uses threads) and on 2
processes; the ratios take the competitor's best.

Then the distance between (a) and (b): on the 12-megapixel files, and on a mixed corpus
of 256-6,000 px pictures in JPEG (several qualities and subsamplings, some progressive),
PNG and WebP, built from the package photos by bench/_benign.py.

The JPEGs (4000×3000, quality 90) are random crops of package photos, upscaled, mirrored
at random, with sensor-like noise; kept under bench/work/pdq-speed/.
Usage: python bench/pdq_speed.py [--files 48] [--mixed 16] [--runs 3] [--no-record]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import imagehash
import numpy as np
import pdqhash
from PIL import Image, ImageFile

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _benign
from _common import WORK, machine, record
from safeguard.triage.media import pdq

FOLDER = WORK / "pdq-speed"
WORKERS = 2


# ---------------------------------------------------------------- what each contender does


def safeguard(path: str) -> str:
    return pdq.hash_image_bytes(Path(path).read_bytes(), "image/jpeg").hash.hex


def pdqhash_full(path: str) -> str:
    with Image.open(io.BytesIO(Path(path).read_bytes())) as im:
        rgb = np.asarray(im.convert("RGB"))
    bits, quality = pdqhash.compute(rgb)
    return bytes(np.packbits(bits.astype(bool))).hex() + f"/{quality}"


def phash_full(path: str) -> str:
    with Image.open(io.BytesIO(Path(path).read_bytes())) as im:
        im.load()
        return str(imagehash.phash(im))


def draft_luma(path: str) -> str:
    return _draft(path, "L")


def draft_rgb(path: str) -> str:
    return _draft(path, "RGB")


def _draft(path: str, mode: str) -> str:
    """The decode Safeguard does, and nothing else: same size, same one-block feeding."""
    data = Path(path).read_bytes()
    with Image.open(io.BytesIO(data)) as im:
        im.decodermaxblock = max(ImageFile.MAXBLOCK, len(data))
        im.draft(mode, (pdq.DECODE_SIDE, pdq.DECODE_SIDE))
        im.load()
        return f"{im.size}"


CONTENDERS: dict[str, Callable[[str], str]] = {
    "(a) safeguard hash_image_bytes": safeguard,
    "(b) pdqhash on a full RGB decode": pdqhash_full,
    "(c) imagehash pHash on a full decode": phash_full,
    "(d) draft decode to luma alone (ceiling)": draft_luma,
    "(d') draft decode to RGB alone": draft_rgb,
}


# ---------------------------------------------------------------- running


def make_files(count: int) -> list[Path]:
    FOLDER.mkdir(parents=True, exist_ok=True)
    paths = [FOLDER / f"camera-{i:03d}.jpg" for i in range(count)]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"synthesising {len(missing)} 12-megapixel JPEGs under {FOLDER} ...", flush=True)
        photos = _benign.photos()
        for path in missing:
            index = int(path.stem.split("-")[1])
            rng = np.random.default_rng(1000 + index)
            path.write_bytes(_benign.camera_jpeg(photos[index % len(photos)], rng))
    return paths


def measure(paths: Sequence[str], runs: int) -> dict[str, dict[str, float]]:
    """Images per second of every contender on 1 thread, 2 threads and 2 processes: the
    best of `runs` passes over every file, the passes interleaved (round after round of
    every contender) so that a noisy neighbour on a shared machine hits them alike."""
    best: dict[str, dict[str, float]] = {name: {} for name in CONTENDERS}
    threads = ThreadPoolExecutor(WORKERS)
    processes = ProcessPoolExecutor(WORKERS)
    pools: dict[str, Executor | None] = {"single": None, "threads": threads, "processes": processes}
    try:
        for fn in CONTENDERS.values():  # start the workers, import, warm up: off the clock
            list(processes.map(fn, paths[: 2 * WORKERS]))
        for _ in range(runs):
            for name, fn in CONTENDERS.items():
                for kind, pool in pools.items():
                    start = time.perf_counter()
                    if pool is None:
                        for p in paths:
                            fn(p)
                    else:
                        list(pool.map(fn, paths))
                    rate = len(paths) / (time.perf_counter() - start)
                    best[name][kind] = max(best[name].get(kind, 0.0), rate)
    finally:
        threads.shutdown()
        processes.shutdown()
    return best


# A picture's distance to the reference: (label, reference quality, {side: distance}).
Measured = tuple[str, int, dict[int, int]]


def distances(tasks: Sequence[str | int], sides: Sequence[int]) -> list[Measured]:
    """Each picture (a file, or the index of a mixed-corpus picture, made in the worker
    so that no large picture crosses a pipe) against the reference, at each DECODE_SIDE."""
    with ProcessPoolExecutor(WORKERS) as pool:
        return list(pool.map(_distances, tasks, [tuple(sides)] * len(tasks), chunksize=2))


def _distances(task: str | int, sides: tuple[int, ...]) -> Measured:
    if isinstance(task, str):
        label, data = Path(task).name, Path(task).read_bytes()
    else:
        label, data = _benign.mixed_picture(_benign.photos(), task)
    with Image.open(io.BytesIO(data)) as im:
        bits, quality = pdqhash.compute(np.asarray(im.convert("RGB")))
    ref = pdq.PdqHash(np.packbits(bits.astype(bool)).tobytes(), int(quality))
    found = {}
    chosen = pdq.DECODE_SIDE
    try:
        for side in sides:
            pdq.DECODE_SIDE = side  # this worker's copy of the module only
            found[side] = pdq.hash_image_bytes(data).hash.distance(ref)
    finally:
        pdq.DECODE_SIDE = chosen
    return label, ref.quality, found


def gil(paths: Sequence[str]) -> str:
    """Does holding the GIL matter? The hashing step alone, on already decoded pictures,
    on 1 and on 2 threads: pdqhash on the full picture, Safeguard on the reduced one."""
    full, reduced = [], []
    for p in paths[:8]:
        with Image.open(p) as im:
            full.append(np.asarray(im.convert("RGB")))
        with Image.open(p) as im:
            im.draft("L", (pdq.DECODE_SIDE, pdq.DECODE_SIDE))
            reduced.append(im.convert("L"))
    lines = []
    steps: dict[str, tuple[Callable[[object], object], list[object]]] = {
        "pdqhash.compute, 4000×3000 RGB": (lambda a: pdqhash.compute(a), list(full)),
        "safeguard hash_image, 500×375 luma": (lambda i: pdq.hash_image(i), list(reduced)),
    }
    for name, (fn, items) in steps.items():
        work = items * (4 if "pdqhash" in name else 200)
        start = time.perf_counter()
        for item in work:
            fn(item)
        one = time.perf_counter() - start
        with ThreadPoolExecutor(WORKERS) as pool:
            start = time.perf_counter()
            list(pool.map(fn, work))
            two = time.perf_counter() - start
        lines.append(f"| {name} | {1000 * one / len(work):.2f} | {one / two:.2f}× |")
    return "\n".join(lines)


def histogram(rows: Sequence[Measured], side: int) -> tuple[str, float]:
    """Markdown cells: counts at 0, 1-2, 3-5, 6-10, >10 (quality >= 80), % within 10."""
    kept = [found[side] for _, quality, found in rows if quality >= 80]
    bins = [
        sum(d == 0 for d in kept),
        sum(1 <= d <= 2 for d in kept),
        sum(3 <= d <= 5 for d in kept),
        sum(6 <= d <= 10 for d in kept),
        sum(d > 10 for d in kept),
    ]
    within = 100.0 * sum(d <= 10 for d in kept) / max(1, len(kept))
    cells = " | ".join(str(b) for b in bins)
    return f"{len(rows)} | {len(kept)} | {cells} | {within:.2f} % | {max(kept, default=0)}", within


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=48)
    parser.add_argument("--mixed", type=int, default=16, help="mixed pictures per photo")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    paths = [str(p) for p in make_files(args.files)]
    megabytes = sum(Path(p).stat().st_size for p in paths) / len(paths) / 1e6
    for p in paths:
        Path(p).read_bytes()  # warm the page cache

    rates = measure(paths, args.runs)
    for name, by_kind in rates.items():
        print(f"{name}: " + ", ".join(f"{k} {v:.1f}/s" for k, v in by_kind.items()), flush=True)

    ours = rates["(a) safeguard hash_image_bytes"]["threads"]
    full = max(rates["(b) pdqhash on a full RGB decode"][k] for k in ("threads", "processes"))
    ceiling = rates["(d) draft decode to luma alone (ceiling)"]["threads"]
    rows = "\n".join(
        f"| {name} | {r['single']:.1f} | {r['threads']:.1f} | {r['processes']:.1f} | "
        f"{max(r['threads'], r['processes']) / full:.2f}× |"
        for name, r in rates.items()
    )

    gil_rows = gil(paths)
    side = pdq.DECODE_SIDE
    sides = sorted({128, 192, side, 384})
    camera = distances(paths, [side])
    mixed = distances(list(range(args.mixed * len(_benign.photos()))), sides)
    camera_cells, camera_within = histogram(camera, side)
    mixed_cells, mixed_within = histogram(mixed, side)
    kind_rows = "\n".join(
        f"| mixed: {kind} only | {histogram([r for r in mixed if f' {kind} ' in r[0]], side)[0]} |"
        for kind in ("jpeg", "png", "webp")
    )
    sweep_rows = "\n".join(f"| {s} | {histogram(mixed, s)[0]} |" for s in sides)

    command = "python bench/pdq_speed.py" + (f" --files {args.files}" if args.files != 48 else "")
    body = f"""## PDQ on still images (`bench/pdq_speed.py`)

Machine: {machine()}. Command: `{command}` (best of {args.runs} passes).
{len(paths)} synthetic 12-megapixel JPEGs (4000×3000, quality 90, {megabytes:.1f} MB each
on average; benign package photos upscaled with noise). Rates in images per second,
each task reading its file from the page cache. Safeguard decodes at
DECODE_SIDE = {pdq.DECODE_SIDE} (1/8 size here: 500×375), straight to luma.

| contender | 1 thread | {WORKERS} threads | {WORKERS} processes | × pdqhash-full (best) |
| --- | ---: | ---: | ---: | ---: |
{rows}

- **safeguard / pdqhash on a full decode: {ours / full:.1f}×** (safeguard on {WORKERS} threads,
  as its pipeline runs; pdqhash on the better of threads and processes). Target ≥ 12×.
- **safeguard / reduced-size decode alone: {100 * ours / ceiling:.0f} %** (both on
  {WORKERS} threads). Target ≥ 85 %.

Distance to the reference (pdqhash on the full RGB decode of the same file), counted
over pictures whose reference quality is ≥ 80:

| corpus | pictures | quality ≥ 80 | 0 | 1–2 | 3–5 | 6–10 | > 10 | within 10 | max |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| 12-megapixel JPEGs above | {camera_cells} |
| mixed: 256–6,000 px, JPEG q75–95 / PNG / WebP | {mixed_cells} |
{kind_rows}

The same mixed corpus with other values of DECODE_SIDE (the short side a picture is
decoded and reduced to at least), to show where the chosen one sits:

| DECODE_SIDE | pictures | quality ≥ 80 | 0 | 1–2 | 3–5 | 6–10 | > 10 | within 10 | max |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
{sweep_rows}

The GIL: the hashing step alone on decoded pictures (ms a picture on 1 thread, and the
speed-up on {WORKERS} threads; 1.00× means the step holds the GIL throughout):

| step | ms a picture | {WORKERS} threads vs 1 |
| --- | ---: | ---: |
{gil_rows}
"""
    if args.no_record:
        print(body)
    else:
        record("pdq_speed", body)
    if ours / full < 12 or ours / ceiling < 0.85 or min(camera_within, mixed_within) < 99:
        print("TARGET MISSED", file=sys.stderr)


if __name__ == "__main__":
    main()
