"""Small synthetic disk images for the tests and the demo, built without mounting or root.

Each builder takes the files to write as {path inside the file system: content} and the
paths to delete afterwards, and returns the image path. The tools are the ordinary Debian
ones: dosfstools + mtools (FAT), e2fsprogs (ext4: `mkfs.ext4 -d`, `debugfs rm`),
exfatprogs (an empty exFAT, then files written by the small writer below), ntfs-3g
(`mkntfs`, `ntfscp`: root folder only), fdisk (`sfdisk`, MBR and GPT) and ewf-tools
(`ewfacquire`). A missing tool raises ImageToolMissing naming the tool and its package.

Content is whatever the caller passes: the tests and the demo pass benign synthetic bytes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from safeguard.triage.evidence.signatures import volume_family

# Files get this modification time (2024-03-01 12:00:00 UTC) so images are reproducible
# and tests can check the times TSK reads back.
FIXED_MTIME = 1_709_294_400

_PACKAGES = {
    "mkfs.vfat": "dosfstools",
    "mcopy": "mtools",
    "mmd": "mtools",
    "mdel": "mtools",
    "mdeltree": "mtools",
    "mkfs.ext2": "e2fsprogs",
    "mkfs.ext3": "e2fsprogs",
    "mkfs.ext4": "e2fsprogs",
    "debugfs": "e2fsprogs",
    "mkfs.exfat": "exfatprogs",
    "mkntfs": "ntfs-3g",
    "ntfscp": "ntfs-3g",
    "sfdisk": "fdisk",
    "ewfacquire": "ewf-tools",
}

# MBR partition type bytes and GPT type GUIDs by file system family.
_MBR_TYPES = {"FAT12": "01", "FAT16": "0e", "FAT32": "0c", "exFAT": "07", "NTFS": "07", "ext": "83"}
_GPT_BASIC_DATA = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
_GPT_LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
_ALIGN = 1024 * 1024  # partitions start on 1 MiB boundaries, as modern partitioners do
_SECTOR = 512


def synthetic_bytes(seed: str, size: int) -> bytes:
    """Deterministic pseudo-random filler: unique, so a test can find it inside an image."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


def jpeg_like(seed: str, size: int) -> bytes:
    """JPEG magic then filler: benign bytes that a magic-byte sniffer calls an image."""
    return b"\xff\xd8\xff\xe0" + synthetic_bytes(seed, size - 4)


# A small camera card: ten files in nested folders, two deleted after everything is
# written (one with a long name, one with a DOS 8.3 name, which FAT marks differently).
SAMPLE_FILES: dict[str, bytes] = {
    "DCIM/100CANON/IMG_0001.JPG": jpeg_like("img1", 12_000),
    "DCIM/100CANON/IMG_0002.JPG": jpeg_like("img2", 20_480),
    "DCIM/100CANON/holiday_photo_0003.jpg": jpeg_like("img3", 7_001),
    "DCIM/100CANON/deleted_photo_0004.jpg": jpeg_like("img4", 9_500),
    "Documents/notes.txt": b"Shopping list: bread, milk, stamps.\n",
    "Documents/reports/summary.csv": b"month,total\njan,3\nfeb,5\n",
    "gone.txt": synthetic_bytes("gone", 5_000),
    "big.bin": synthetic_bytes("big", 300_000),
    "empty.dat": b"",
    "readme.txt": b"Synthetic test volume for Safeguard.\n",
}
SAMPLE_DELETED: tuple[str, ...] = ("DCIM/100CANON/deleted_photo_0004.jpg", "gone.txt")
# NTFS images hold root-level files only (see build_ntfs_image).
SAMPLE_NTFS_FILES: dict[str, bytes] = {
    "IMG_0100.JPG": jpeg_like("ntfs1", 40_000),
    "letter.txt": b"Dear reader, this is synthetic.\n",
    "tiny.bin": b"\x01\x02\x03",  # small enough to live inside its MFT record
}


class ImageBuildError(RuntimeError):
    """A builder could not make the image; the message names the step that failed."""


class ImageToolMissing(ImageBuildError):
    """A command-line tool a builder needs is not installed."""


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        package = _PACKAGES.get(name, "?")
        raise ImageToolMissing(f"{name} not found: install the Debian package {package}")
    return found


def _run(args: Sequence[str], *, env: Mapping[str, str] | None = None) -> str:
    """Run a tool; its output on success, ImageBuildError with its stderr on failure."""
    command = [_tool(args[0]), *args[1:]]
    merged = {**os.environ, **(env or {})}
    done = subprocess.run(command, capture_output=True, text=True, env=merged, check=False)
    if done.returncode != 0:
        raise ImageBuildError(
            f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip() or done.stdout}"
        )
    return done.stdout + done.stderr


def _clean(path: str) -> str:
    """'DCIM/a.jpg' or '/DCIM/a.jpg' → 'DCIM/a.jpg'; no empty or '..' parts."""
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise ValueError(f"bad path for an image file: {path!r}")
    return "/".join(parts)


def _check_deleted(
    files: Mapping[str, bytes], deleted: Iterable[str], *, folders: bool = False
) -> list[str]:
    """`deleted` cleaned; each must be a file written (or, where `folders`, a folder holding
    files written)."""
    names = {_clean(p) for p in files}
    parents = {"/".join(n.split("/")[:i]) for n in names for i in range(1, n.count("/") + 1)}
    gone = [_clean(p) for p in deleted]
    allowed = names | parents if folders else names
    unknown = [p for p in gone if p not in allowed]
    if unknown:
        what = "files or folders" if folders else "files"
        raise ValueError(f"deleted paths must be among the {what} written: {unknown}")
    return gone


def _folder_removals(files: Mapping[str, bytes], gone: list[str]) -> list[str]:
    """debugfs commands deleting `gone`: a folder's files, then its folders deepest first."""
    names = sorted(_clean(p) for p in files)
    commands: list[str] = []
    for target in gone:
        inside = [n for n in names if n.startswith(target + "/")]
        if not inside:
            commands.append(f'rm "/{target}"')
            continue
        commands += [f'rm "/{n}"' for n in inside]
        folders = {
            "/".join(n.split("/")[:i])
            for n in inside
            for i in range(target.count("/") + 1, n.count("/") + 1)
        }
        commands += [f'rmdir "/{d}"' for d in sorted(folders, key=len, reverse=True)]
    return commands


def _stage(files: Mapping[str, bytes], root: Path) -> None:
    """Write `files` under `root`, all with FIXED_MTIME (folders too)."""
    folders: set[Path] = set()
    for name, content in files.items():
        target = root / _clean(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        folders.update(p for p in target.parents if p != root and root in p.parents)
        target.write_bytes(content)
        os.utime(target, (FIXED_MTIME, FIXED_MTIME))
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        os.utime(folder, (FIXED_MTIME, FIXED_MTIME))


def _blank(path: Path, size: int) -> None:
    path.unlink(missing_ok=True)
    with open(path, "wb") as out:
        out.truncate(size)


# ----------------------------------------------------------------------------- FAT


def _fat_cluster_sectors(fat_bits: int, sectors: int) -> int:
    """Sectors per cluster that put the cluster count in the range `fat_bits` requires."""
    low, high = {12: (1, 4084), 16: (4085, 65524), 32: (65525, 0x0FFFFFF5)}[fat_bits]
    for per_cluster in (1, 2, 4, 8, 16, 32, 64):
        clusters = sectors // per_cluster
        if low <= clusters * 0.98 and clusters <= high:  # 2 %: reserved sectors and FATs
            return per_cluster
    raise ValueError(f"no FAT{fat_bits} cluster size fits {sectors} sectors: change size_mb")


def build_fat_image(
    path: Path,
    files: Mapping[str, bytes],
    deleted: Iterable[str] = (),
    *,
    fat_bits: int = 16,
    size_mb: int | None = None,
    label: str = "SAFEGUARD",
) -> Path:
    """A FAT12/16/32 volume holding `files`; `deleted` ones are written, then deleted.

    `deleted` may name folders (deleted with everything in them, by mdeltree). Deletion is
    done last, so the deleted files' clusters are not reused and their content can be
    recovered. Default sizes: FAT12 2 MiB, FAT16 8 MiB, FAT32 34 MiB
    (FAT32 needs at least 65,525 clusters).
    """
    if fat_bits not in (12, 16, 32):
        raise ValueError("fat_bits must be 12, 16 or 32")
    gone = _check_deleted(files, deleted, folders=True)
    size_mb = size_mb or {12: 2, 16: 8, 32: 34}[fat_bits]
    path = Path(path)
    path.unlink(missing_ok=True)
    per_cluster = _fat_cluster_sectors(fat_bits, size_mb * 2048)
    _run(
        [
            "mkfs.vfat",
            "-C",
            "-F",
            str(fat_bits),
            "-s",
            str(per_cluster),
            "-n",
            label[:11],
            "--invariant",
            str(path),
            str(size_mb * 1024),
        ]
    )
    env = {"MTOOLS_SKIP_CHECK": "1"}
    with tempfile.TemporaryDirectory(prefix="sg-fat-") as tmp:
        stage = Path(tmp)
        _stage(files, stage)
        tops = sorted(str(p) for p in stage.iterdir())
        if tops:
            # -s recursive, -m keep modification times, -Q stop at the first error.
            _run(["mcopy", "-s", "-m", "-Q", "-i", str(path), *tops, "::/"], env=env)
    names = {_clean(p) for p in files}
    if plain := [p for p in gone if p in names]:
        _run(["mdel", "-i", str(path), *(f"::/{p}" for p in plain)], env=env)
    if trees := [p for p in gone if p not in names]:
        _run(["mdeltree", "-i", str(path), *(f"::/{p}" for p in trees)], env=env)
    return path


# ---------------------------------------------------------------------------- ext4


def build_ext4_image(
    path: Path,
    files: Mapping[str, bytes],
    deleted: Iterable[str] = (),
    *,
    size_mb: int = 8,
    label: str = "safeguard",
    fs_type: str = "ext4",
) -> Path:
    """An ext4 volume made by `mkfs.ext4 -d` from a staging folder; `deleted` (files or
    folders) removed afterwards with debugfs's rm and rmdir. `fs_type` "ext2" or "ext3"
    makes that file system instead (`mkfs.ext2`, `mkfs.ext3`), the same way.

    Unlike the Linux kernel, debugfs's rm frees the blocks but leaves the inode's size and
    extent tree in place, so TSK can still read a deleted file's content. A kernel-deleted
    ext4 file usually has neither: tests must not read this as typical of real disks.
    """
    if fs_type not in ("ext2", "ext3", "ext4"):
        raise ValueError("fs_type must be ext2, ext3 or ext4")
    gone = _check_deleted(files, deleted, folders=True)
    path = Path(path)
    _blank(path, size_mb * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="sg-ext4-") as tmp:
        stage = Path(tmp) / "root"
        stage.mkdir()
        _stage(files, stage)
        os.utime(stage, (FIXED_MTIME, FIXED_MTIME))
        _run(
            [
                f"mkfs.{fs_type}",
                "-q",
                "-F",
                "-L",
                label[:16],
                "-E",
                "root_owner=0:0",
                "-d",
                str(stage),
                str(path),
            ]
        )
        if gone:
            script = Path(tmp) / "rm.debugfs"
            script.write_text("".join(f"{c}\n" for c in _folder_removals(files, gone)))
            out = _run(["debugfs", "-w", "-f", str(script), str(path)])
            # debugfs exits 0 even when a command fails; its complaints name the command.
            errors = [
                line
                for line in out.splitlines()
                if line.startswith(("rm:", "rmdir:")) or "not found" in line
            ]
            if errors:
                raise ImageBuildError(f"debugfs could not delete: {'; '.join(errors)}")
    return path


# --------------------------------------------------------------------------- exFAT


def build_exfat_image(
    path: Path,
    files: Mapping[str, bytes],
    deleted: Iterable[str] = (),
    *,
    size_mb: int = 8,
    label: str = "SAFEGUARD",
) -> Path:
    """An exFAT volume: `mkfs.exfat`, then files written by `_ExfatWriter`.

    exfatprogs has no tool that adds files without mounting, so the entries are written
    here (file, stream extension and name entries with their checksums, the allocation
    bitmap, contiguous data). Deleting clears the entries' in-use bits and the bitmap, as
    Windows does, leaving the content recoverable. One cluster per folder (4 KiB, so up to
    about 40 short-named entries each) is plenty for test images.
    """
    gone = _check_deleted(files, deleted)
    path = Path(path)
    _blank(path, size_mb * 1024 * 1024)
    _run(["mkfs.exfat", "-c", "4K", "-L", label[:11], str(path)])
    contents = {_clean(p): data for p, data in files.items()}
    with open(path, "r+b") as image:
        writer = _ExfatWriter(image)
        for name in sorted(contents):
            writer.add_file(name, contents[name])
        for name in gone:
            writer.delete(name)
        writer.flush()
    return path


def _exfat_time(seconds: float) -> int:
    t = time.gmtime(seconds)
    return (
        (t.tm_year - 1980) << 25
        | t.tm_mon << 21
        | t.tm_mday << 16
        | t.tm_hour << 11
        | t.tm_min << 5
        | t.tm_sec // 2
    )


def _exfat_rotate_sum(data: bytes, skip: tuple[int, ...] = ()) -> int:
    total = 0
    for index, byte in enumerate(data):
        if index in skip:
            continue
        total = (((total >> 1) | ((total & 1) << 15)) + byte) & 0xFFFF
    return total


class _ExfatWriter:
    """Adds files to a freshly formatted exFAT volume (see build_exfat_image)."""

    def __init__(self, image: BinaryIO) -> None:
        self.image = image
        boot = self._read(0, 512)
        self.sector = 1 << boot[108]
        self.cluster_size = self.sector << boot[109]
        fat_offset, _, heap_offset, cluster_count, root = struct.unpack_from("<IIIII", boot, 80)
        self.cluster_count = int(cluster_count)
        self.fat_at = int(fat_offset) * self.sector
        self.heap_at = int(heap_offset) * self.sector
        self.root = int(root)
        # The allocation bitmap's directory entry (type 0x81) is in the root folder.
        entries = self._read(self._cluster_at(root), self.cluster_size)
        bitmap_entry = next(
            entries[i : i + 32] for i in range(0, len(entries), 32) if entries[i] == 0x81
        )
        bitmap_cluster, bitmap_length = struct.unpack_from("<IQ", bitmap_entry, 20)
        self.bitmap_at = self._cluster_at(int(bitmap_cluster))
        self.bitmap = bytearray(self._read(self.bitmap_at, bitmap_length))
        self.folders: dict[str, int] = {"": root}
        self.sets: dict[str, tuple[int, int, int, int]] = {}  # name → (at, n, cluster, count)

    def _read(self, offset: int, size: int) -> bytes:
        self.image.seek(offset)
        return self.image.read(size)

    def _write(self, offset: int, data: bytes) -> None:
        self.image.seek(offset)
        self.image.write(data)

    def _cluster_at(self, cluster: int) -> int:
        return self.heap_at + (cluster - 2) * self.cluster_size

    def _used(self, cluster: int) -> bool:
        index = cluster - 2
        return bool(self.bitmap[index // 8] >> (index % 8) & 1)

    def _mark(self, first: int, count: int, used: bool) -> None:
        for cluster in range(first, first + count):
            index = cluster - 2
            if used:
                self.bitmap[index // 8] |= 1 << (index % 8)
            else:
                self.bitmap[index // 8] &= ~(1 << (index % 8)) & 0xFF

    def _allocate(self, count: int) -> int:
        """`count` free contiguous clusters, after every cluster in use (no reuse)."""
        last_used = max(c for c in range(2, self.cluster_count + 2) if self._used(c))
        first = last_used + 1
        if first + count > self.cluster_count + 2:
            raise ImageBuildError("exFAT image full: raise size_mb")
        self._mark(first, count, True)
        return first

    def _folder(self, name: str) -> int:
        if name in self.folders:
            return self.folders[name]
        parent, _, leaf = name.rpartition("/")
        cluster = self._allocate(1)
        self._write(self._cluster_at(cluster), bytes(self.cluster_size))
        # A one-cluster folder: end-of-chain in the FAT as well as the no-FAT-chain flag.
        self._write(self.fat_at + 4 * cluster, struct.pack("<I", 0xFFFFFFFF))
        self._entry_set(self._folder(parent), leaf, 0x10, cluster, self.cluster_size)
        self.folders[name] = cluster
        return cluster

    def add_file(self, name: str, content: bytes) -> None:
        parent, _, leaf = name.rpartition("/")
        folder = self._folder(parent)
        count = -(-len(content) // self.cluster_size)
        first = self._allocate(count) if count else 0
        if count:
            padded = content + bytes(count * self.cluster_size - len(content))
            self._write(self._cluster_at(first), padded)
        at, n = self._entry_set(folder, leaf, 0x20, first, len(content))
        self.sets[name] = (at, n, first, count)

    def _entry_set(
        self, folder: int, leaf: str, attributes: int, first: int, length: int
    ) -> tuple[int, int]:
        utf16 = leaf.encode("utf-16-le")
        if not 0 < len(utf16) // 2 <= 255:
            raise ValueError(f"exFAT names are 1 to 255 characters: {leaf!r}")
        name_entries = -(-len(utf16) // 30)
        stamp = _exfat_time(FIXED_MTIME)
        primary = bytearray(32)
        primary[0] = 0x85
        primary[1] = 1 + name_entries
        struct.pack_into("<HHIII", primary, 4, attributes, 0, stamp, stamp, stamp)
        primary[22:25] = b"\x80\x80\x80"  # UTC offsets valid, +00:00
        stream = bytearray(32)
        stream[0] = 0xC0
        stream[1] = 0x03 if first else 0x01  # allocation possible (+ contiguous, no FAT chain)
        stream[3] = len(utf16) // 2
        upcased = "".join(c.upper() if len(c.upper()) == 1 else c for c in leaf)
        struct.pack_into("<H", stream, 4, _exfat_rotate_sum(upcased.encode("utf-16-le")))
        struct.pack_into("<Q", stream, 8, length)
        struct.pack_into("<IQ", stream, 20, first, length)
        names = []
        for i in range(name_entries):
            entry = bytearray(32)
            entry[0] = 0xC1
            piece = utf16[i * 30 : (i + 1) * 30]
            entry[2 : 2 + len(piece)] = piece
            names.append(bytes(entry))
        data = bytearray(bytes(primary) + bytes(stream) + b"".join(names))
        struct.pack_into("<H", data, 2, _exfat_rotate_sum(bytes(data), skip=(2, 3)))
        # Append at the folder's end-of-directory marker (the first entry of type 0).
        base = self._cluster_at(folder)
        entries = self._read(base, self.cluster_size)
        slot = next((i for i in range(0, self.cluster_size, 32) if entries[i] == 0), None)
        if slot is None or slot + len(data) > self.cluster_size:
            raise ImageBuildError(f"exFAT folder full (one cluster per folder): {leaf!r}")
        self._write(base + slot, bytes(data))
        return base + slot, len(data) // 32

    def delete(self, name: str) -> None:
        at, n, first, count = self.sets.pop(name)
        for i in range(n):
            kind = self._read(at + 32 * i, 1)[0]
            self._write(at + 32 * i, bytes([kind & 0x7F]))  # clear the in-use bit
        if count:
            self._mark(first, count, False)

    def flush(self) -> None:
        self._write(self.bitmap_at, bytes(self.bitmap))


# ---------------------------------------------------------------------------- NTFS


def build_ntfs_image(
    path: Path,
    files: Mapping[str, bytes],
    *,
    size_mb: int = 8,
    label: str = "SAFEGUARD",
) -> Path:
    """An NTFS volume (`mkntfs`) with `files` copied into its root folder by `ntfscp`.

    ntfs-3g offers no way to make folders or delete files without mounting, so NTFS test
    images hold root-level files only and no deleted files.
    """
    nested = [p for p in files if "/" in _clean(p)]
    if nested:
        raise ValueError(
            f"NTFS images hold root-level files only (ntfscp makes no folders): {nested}"
        )
    path = Path(path)
    _blank(path, size_mb * 1024 * 1024)
    _run(["mkntfs", "-F", "-Q", "-q", "-L", label, str(path)])
    with tempfile.TemporaryDirectory(prefix="sg-ntfs-") as tmp:
        stage = Path(tmp)
        _stage(files, stage)
        for name in sorted(_clean(p) for p in files):
            # -t keeps the staged modification time.
            _run(["ntfscp", "-f", "-q", "-t", str(path), str(stage / name), f"/{name}"])
    return path


# ------------------------------------------------------------------ partitioned disks


def _family(volume: Path) -> str:
    """The file system family of a volume image, from its boot sector or superblock."""
    with open(volume, "rb") as source:
        family = volume_family(source.read(2048))
    if family not in _MBR_TYPES:
        raise ValueError(f"{volume}: not a volume image a builder made")
    return family


def build_partitioned_image(
    path: Path, partitions: Sequence[Path], *, scheme: str = "mbr"
) -> list[int]:
    """A disk holding the given volume images as partitions; returns their start sectors.

    Partitions start at sector 2048 and on 1 MiB boundaries; the table (MBR or GPT) is
    written by sfdisk and the volumes are copied in at their offsets. Partition types
    follow the volumes' file systems.
    """
    if scheme not in ("mbr", "gpt"):
        raise ValueError("scheme must be 'mbr' or 'gpt'")
    sfdisk = _tool("sfdisk")
    if not partitions or (scheme == "mbr" and len(partitions) > 4):
        raise ValueError("one to four partitions (primary MBR partitions only)")
    path = Path(path)
    starts: list[int] = []
    lines = ["label: dos" if scheme == "mbr" else "label: gpt", "unit: sectors", ""]
    offset = _ALIGN
    for volume in partitions:
        size = Path(volume).stat().st_size
        sectors = -(-size // _SECTOR)
        family = _family(Path(volume))
        kind = (
            _MBR_TYPES[family]
            if scheme == "mbr"
            else _GPT_LINUX
            if family == "ext"
            else _GPT_BASIC_DATA
        )
        lines.insert(-1, f"start={offset // _SECTOR}, size={sectors}, type={kind}")
        starts.append(offset // _SECTOR)
        offset += -(-size // _ALIGN) * _ALIGN
    _blank(path, offset + _ALIGN)  # room after the last partition for GPT's backup table
    script = "\n".join(lines) + "\n"
    command = [sfdisk, "--no-reread", "--no-tell-kernel", "-q", str(path)]
    done = subprocess.run(command, input=script, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ImageBuildError(f"sfdisk failed ({done.returncode}): {done.stderr.strip()}")
    with open(path, "r+b") as disk:
        for start, volume in zip(starts, partitions, strict=True):
            disk.seek(start * _SECTOR)
            with open(volume, "rb") as source:
                shutil.copyfileobj(source, disk, 1024 * 1024)
    return starts


# ------------------------------------------------------------------ split raw and E01


def split_raw_image(raw_path: Path, out_base: Path, piece_size: int) -> list[Path]:
    """`raw_path` cut into `out_base.001`, `.002` ... of `piece_size` bytes (dd-style)."""
    pieces: list[Path] = []
    with open(raw_path, "rb") as source:
        while chunk := source.read(piece_size):
            piece = Path(f"{out_base}.{len(pieces) + 1:03d}")
            piece.write_bytes(chunk)
            pieces.append(piece)
    return pieces


def build_e01(
    raw_path: Path,
    out_base: Path,
    *,
    segment_size: int | None = None,
    case_number: str = "SG-DEMO-0001",
    evidence_number: str = "EX1",
    examiner: str = "Demo Examiner",
    description: str = "Synthetic demo image",
    notes: str = "Benign synthetic data",
) -> list[Path]:
    """An EnCase 6 image of `raw_path` (`out_base.E01`, `.E02` ...); returns its segments.

    Uncompressed so tests can find and alter known bytes in a segment. `segment_size`
    (bytes, at least 1 MiB) splits the image into several segment files. ewfacquire stores
    the MD5 and SHA-1 of the data it read, which EwfSource verifies.
    """
    out_base = Path(out_base)
    for old in out_base.parent.glob(f"{out_base.name}.E[0-9][0-9]"):
        old.unlink()
    args = [
        "ewfacquire",
        "-u",
        "-q",
        "-t",
        str(out_base),
        "-f",
        "encase6",
        "-c",
        "none",
        "-d",
        "sha1",
        "-C",
        case_number,
        "-E",
        evidence_number,
        "-e",
        examiner,
        "-D",
        description,
        "-N",
        notes,
    ]
    if segment_size is not None:
        if segment_size < 1024 * 1024:
            raise ValueError("ewfacquire's smallest segment is 1 MiB")
        args += ["-S", str(segment_size)]
    _run([*args, str(raw_path)])
    segments = sorted(out_base.parent.glob(f"{out_base.name}.E[0-9][0-9]"))
    if not segments:
        raise ImageBuildError(f"ewfacquire wrote no segments for {out_base}")
    return segments
