"""Disk images for carving tests and the carving benchmark: FAT32, NTFS or ext4 volumes
holding benign synthetic pictures that are no longer files.

Each picture is in one of these states, recorded in the returned `Truth`:
- `live`: an ordinary file (carving must not report it again);
- `deleted`: written as a file, then deleted (FAT: mdel; ext4: debugfs; NTFS has no tool
  that deletes without mounting, so NTFS has none);
- `wiped`: its bytes in unallocated clusters and no directory entry at all, as after the
  entry is overwritten;
- `fragmented`: like `wiped`, split in two with another picture or junk between its
  halves (the DFRWS 2007 case).
Unallocated clusters between them hold zeros and runs of random junk.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytsk3

CLUSTER = 4096  # bytes per cluster (block) of the images, unless told otherwise


@dataclass
class Truth:
    """What the image holds: SHA-1 of each picture by state, and their bytes."""

    live: dict[str, str] = field(default_factory=dict)
    deleted: dict[str, str] = field(default_factory=dict)
    wiped: dict[str, str] = field(default_factory=dict)
    fragmented: dict[str, str] = field(default_factory=dict)

    def unallocated(self) -> dict[str, str]:
        """name -> SHA-1 of every picture a carver should recover."""
        return {**self.deleted, **self.wiped, **self.fragmented}


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _run(*args: str) -> None:
    if shutil.which(args[0]) is None:
        raise RuntimeError(f"{args[0]} is needed to build this image")
    subprocess.run(args, check=True, capture_output=True,
                   env={**os.environ, "MTOOLS_SKIP_CHECK": "1"})


def build(path: Path, kind: str, live: Mapping[str, bytes], deleted: Mapping[str, bytes],
          wiped: Mapping[str, bytes], fragmented: Mapping[str, bytes], *, size_mb: int = 64,
          junk: int = 8, seed: int = 1, cluster: int = CLUSTER) -> Truth:
    """Build a `kind` ("fat32", "ntfs", "ext4") volume image at `path`."""
    truth = Truth(live={n: _sha1(d) for n, d in live.items()},
                  deleted={n: _sha1(d) for n, d in deleted.items()},
                  wiped={n: _sha1(d) for n, d in wiped.items()},
                  fragmented={n: _sha1(d) for n, d in fragmented.items()})
    if kind == "ntfs" and deleted:
        raise ValueError("NTFS images cannot hold deleted files (no tool deletes unmounted)")
    path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="sg-carve-") as tmp:
        stage = Path(tmp) / "stage"
        stage.mkdir()
        for name, data in {**live, **deleted}.items():
            (stage / name).write_bytes(data)
        _make(path, kind, stage, size_mb, cluster)
    # Free space as it was before the deletions, so that nothing overwrites the deleted.
    runs = _free_clusters(path, kind, cluster)
    _write_unallocated(path, runs, wiped, fragmented, junk, random.Random(seed), cluster)
    if deleted:
        _delete(path, kind, list(deleted))
    return truth


def _make(path: Path, kind: str, stage: Path, size_mb: int, cluster: int) -> None:
    names = sorted(p.name for p in stage.iterdir())
    if kind == "fat32":
        _run("mkfs.vfat", "-C", "-F", "32", "-s", str(cluster // 512), "--invariant",
             str(path), str(size_mb * 1024))
        if names:
            _run("mcopy", "-m", "-i", str(path), *(str(stage / n) for n in names), "::/")
    elif kind == "ext4":
        with path.open("wb") as handle:
            handle.truncate(size_mb * 1024 * 1024)
        _run("mkfs.ext4", "-q", "-F", "-b", str(cluster), "-E", "root_owner=0:0",
             "-d", str(stage), str(path))
    elif kind == "ntfs":
        with path.open("wb") as handle:
            handle.truncate(size_mb * 1024 * 1024)
        _run("mkntfs", "-F", "-Q", "-q", "-c", str(cluster), str(path))
        for name in names:
            _run("ntfscp", "-f", "-q", str(path), str(stage / name), f"/{name}")
    else:
        raise ValueError(f"unknown file system {kind!r}")


def _delete(path: Path, kind: str, names: list[str]) -> None:
    if kind == "fat32":
        _run("mdel", "-i", str(path), *(f"::/{n}" for n in names))
    else:
        for name in names:
            _run("debugfs", "-w", "-R", f"rm /{name}", str(path))


def _free_clusters(path: Path, kind: str, cluster: int) -> list[tuple[int, int]]:
    """(byte offset, bytes) of the free clusters, from the file system's own records
    (never its tables, boot sectors or inode tables)."""
    if kind == "ext4":
        listing = subprocess.run(["dumpe2fs", str(path)], check=True, capture_output=True,
                                 text=True).stdout
        runs = []
        for line in listing.splitlines():
            line = line.strip()
            if not line.startswith("Free blocks: "):
                continue
            for part in line.removeprefix("Free blocks: ").split(","):
                first, _, last = part.strip().partition("-")
                if first:
                    start, end = int(first), int(last or first)
                    runs.append((start * cluster, (end - start + 1) * cluster))
        return runs
    from safeguard.triage.carving.space import unallocated

    img = pytsk3.Img_Info(str(path))
    space = unallocated(img, 0, pytsk3.FS_Info(img))
    data_start = 0
    if kind == "fat32":
        with path.open("rb") as handle:
            boot = handle.read(512)
        sector = int.from_bytes(boot[11:13], "little")
        reserved = int.from_bytes(boot[14:16], "little")
        fat_size = int.from_bytes(boot[36:40], "little")
        data_start = (reserved + boot[16] * fat_size) * sector
    out = []
    for run in space.runs:
        start = max(run.offset, data_start)
        start += -(start - data_start) % cluster
        end = run.offset + run.length
        if end - start >= cluster:
            out.append((start, (end - start) // cluster * cluster))
    return out


def _write_unallocated(path: Path, runs: list[tuple[int, int]], wiped: Mapping[str, bytes],
                       fragmented: Mapping[str, bytes], junk: int, rng: random.Random,
                       cluster: int) -> None:
    pieces: list[bytes] = []
    for data in wiped.values():
        pieces.append(data)
        if junk:
            pieces.append(rng.randbytes(rng.randint(1, 6) * cluster))
    others = list(wiped.values()) or [rng.randbytes(3 * cluster)]
    for number, data in enumerate(fragmented.values()):
        cut = (len(data) // 2) // cluster * cluster or cluster
        between = others[number % len(others)] if number % 2 == 0 \
            else rng.randbytes(3 * cluster)
        pieces += [data[:cut], between, data[cut:]]
    for _ in range(junk):
        pieces.append(rng.randbytes(rng.randint(2, 40) * cluster))
    # The biggest free runs first (the files were written at the volume's start).
    runs = sorted(runs, key=lambda r: -r[1])
    with path.open("r+b") as image:
        run_index, used = 0, 0
        for piece in pieces:
            padded = piece + b"\x00" * (-len(piece) % cluster)
            while run_index < len(runs) and runs[run_index][1] - used < len(padded):
                run_index, used = run_index + 1, 0
            if run_index >= len(runs):
                raise RuntimeError(f"{path}: not enough free space for the pictures")
            image.seek(runs[run_index][0] + used)
            image.write(padded)
            used += len(padded)
