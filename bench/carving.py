"""Carving against PhotoRec on the same images, in one run (issue 17).

For each of FAT32, NTFS and ext4, a volume is built (safeguard.demo.carving_images) with
benign synthetic pictures (JPEG, PNG, GIF, BMP, WebP) that are live, deleted (FAT32 and
ext4), wiped (bytes in unallocated clusters, no entry) or fragmented in two with another
file or junk between the halves; the rest of the free space is part junk, part zeros.
Then Safeguard's carver (TSK's unallocated space, carve, validate) and PhotoRec
(`photorec /d DIR /cmd IMAGE partition_none,options,paranoid,fileopt,everything,disable,
jpg,enable,png,enable,gif,enable,bmp,enable,riff,enable,freespace,search`) each read the
unallocated space; both outputs are compared by SHA-1 with the pictures put there.

- recall: distinct unallocated pictures recovered byte for byte / pictures put there;
- precision: items output that are one of the pictures / items output (a truncated or
  wrongly joined picture counts against it);
- MB/s: unallocated bytes / wall-clock seconds (PhotoRec: the whole command), the
  image read once beforehand so that both read from the page cache; each tool runs
  `--repeat` times, alternately, and its best wall time is kept (a shared machine's
  load disturbs single runs), with the CPU seconds of that run (all threads; PhotoRec's
  process) beside it. Safeguard's Python modules and decoders are loaded before the
  clock starts, once for the whole bench, as they are once for a whole triage run.

    .venv/bin/python bench/carving.py [--size-mb 512] [--pictures 80] [--fs fat32,ntfs,ext4]
                                      [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytsk3

from safeguard.demo.carving_images import build
from safeguard.demo.media import encode, synthetic_picture
from safeguard.triage.carving.carver import WORKERS, carve
from safeguard.triage.carving.space import FileImage, Space, unallocated

PHOTOREC_TYPES = "everything,disable,jpg,enable,png,enable,gif,enable,bmp,enable,riff,enable"


def pictures(count: int, seed: int) -> dict[str, bytes]:
    rng = random.Random(seed)
    out: dict[str, bytes] = {}
    formats = ["JPEG"] * 6 + ["PNG", "GIF", "BMP", "WEBP"]
    for number in range(count):
        fmt = formats[number % len(formats)]
        size = rng.choice([(640, 480), (800, 600), (1024, 768), (320, 240)])
        image = synthetic_picture(seed * 1000 + number, size)
        if fmt == "GIF":
            image = image.convert("P")
        if fmt in ("BMP", "GIF"):
            image = image.resize((size[0] // 2, size[1] // 2))
        quality = {"quality": rng.randint(70, 95)} if fmt in ("JPEG", "WEBP") else {}
        out[f"pic{number:04d}.{fmt.lower()}"] = encode(image, fmt, **quality)
    return out


def split(found: dict[str, bytes], kind: str) -> tuple[dict[str, bytes], ...]:
    live: dict[str, bytes] = {}
    deleted: dict[str, bytes] = {}
    wiped: dict[str, bytes] = {}
    fragmented: dict[str, bytes] = {}
    for number, (name, data) in enumerate(found.items()):
        slot = number % 10
        if slot == 0:
            live[name] = data
        elif slot in (1, 2) and kind != "ntfs":
            deleted[name] = data
        elif slot in (3, 4) and name.endswith(".jpeg"):
            fragmented[name] = data
        else:
            wiped[name] = data
    return live, deleted, wiped, fragmented


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def ours(image: Path) -> tuple[list[str], float, float, int]:
    started, cpu = time.perf_counter(), time.process_time()
    img = pytsk3.Img_Info(str(image))
    # As the engine reads a raw image: TSK for the file system, a mapping for the bytes.
    mapped = FileImage(str(image))
    space = unallocated(mapped, 0, pytsk3.FS_Info(img))
    found = [sha1(item.data) for item in carve(space)]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    mapped.close()
    return found, seconds, cpu, space.size


def photorec(image: Path, work: Path) -> tuple[list[str], float, float]:
    out = work / "photorec"
    shutil.rmtree(work / "photorec.1", ignore_errors=True)
    command = ["photorec", "/log", "/d", str(out), "/cmd", str(image),
               f"partition_none,options,paranoid,fileopt,{PHOTOREC_TYPES},freespace,search"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=work)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    found = [sha1(p.read_bytes()) for p in sorted((work / "photorec.1").glob("f*"))]
    return found, seconds, cpu


def warm_up() -> None:
    """Load the decoders (FFmpeg's, Pillow's plugins) before any clock starts."""
    blob = b"".join(data + b"\x00" * (-len(data) % 512)
                    for data in pictures(10, seed=99).values())

    class _Bytes:
        def read(self, offset: int, size: int) -> bytes:
            return blob[offset:offset + size]

    list(carve(Space(_Bytes(), 0, [(0, len(blob))])))


def score(found: list[str], truth: set[str]) -> tuple[float, float]:
    right = [h for h in found if h in truth]
    recall = len(set(right)) / len(truth) if truth else 1.0
    precision = len(right) / len(found) if found else 1.0
    return recall, precision


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=512)
    parser.add_argument("--pictures", type=int, default=80)
    parser.add_argument("--fs", default="fat32,ntfs,ext4")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("photorec") is None:
        raise SystemExit("photorec is needed (Debian's testdisk package)")
    warm_up()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; Safeguard decodes "
          f"in {WORKERS} threads; best of {args.repeat} runs each")
    print("| file system | unallocated MiB | pictures put there | tool | recall | precision "
          "| seconds | CPU seconds | MB/s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    overlap: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sg-bench-carve-") as tmp:
        work = Path(tmp)
        for kind in args.fs.split(","):
            found = pictures(args.pictures, seed=len(kind))
            live, deleted, wiped, fragmented = split(found, kind)
            image = work / f"{kind}.img"
            truth = build(image, kind, live, deleted, wiped, fragmented,
                          size_mb=args.size_mb, junk=max(8, args.size_mb // 16), seed=7)
            wanted = set(truth.unallocated().values())
            # Both tools read the image from the page cache: read it once before either.
            with image.open("rb") as handle:
                while handle.read(1 << 24):
                    pass
            mine: list[tuple[float, float, list[str]]] = []
            theirs: list[tuple[float, float, list[str]]] = []
            for _ in range(max(args.repeat, 1)):
                items, seconds, cpu, space = ours(image)
                mine.append((seconds, cpu, items))
                other, seconds, cpu = photorec(image, work)
                theirs.append((seconds, cpu, other))
            mib = space / 2**20
            # Whether one tool's recovered pictures contain the other's, not only more.
            ours_found = {h for _, _, items in mine for h in items} & wanted
            theirs_found = {h for _, _, items in theirs for h in items} & wanted
            overlap.append(f"{kind}: both {len(ours_found & theirs_found)}, only Safeguard "
                           f"{len(ours_found - theirs_found)}, only PhotoRec "
                           f"{len(theirs_found - ours_found)}, neither "
                           f"{len(wanted - ours_found - theirs_found)}")
            for tool, runs in (("Safeguard", mine), ("PhotoRec 7.1", theirs)):
                seconds, cpu, items = min(runs, key=lambda run: run[0])
                recall, precision = score(items, wanted)
                print(f"| {kind} | {mib:,.0f} | {len(wanted)} | {tool} | {recall:.1%} | "
                      f"{precision:.1%} | {seconds:.2f} | {cpu:.2f} | "
                      f"{space / 1e6 / seconds:,.0f} |", flush=True)

    print()
    print("Pictures recovered, by tool (over all runs):")
    for line in overlap:
        print(f"- {line}")


if __name__ == "__main__":
    main()
