"""Damaged inputs of the reference data, each with the outcome the documentation gives:
a disk image cut short, damaged archives, E01 sets with a segment cut short, a segment
missing and a byte of the data altered, an archive format recognised but not read, and a
deleted file whose clusters were reused. Each is triaged on its own, so its exit code is
its own (docs/triage.md "Exit codes"; docs/evidence.md; docs/triage.md "Damage never
ends the run").
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from safeguard.demo.diskimages import FIXED_MTIME, build_e01, build_partitioned_image

from .disks import Volume, fat12, fat16
from .groundtruth import ExpectedFile, ExpectedWarning, ReferenceItem
from .packing import Expectations, Member, packed, tar_of, write_files, zip_of

if TYPE_CHECKING:
    from .reference import Content

Wanted = Callable[[str], bool]
INPUT, WARNINGS = 3, 4  # ExitStatus.INPUT, ExitStatus.WARNINGS (docs/triage.md)


def build_damaged(folder: Path, scratch: Path, content: Content,
                  wanted: Wanted) -> list[ReferenceItem]:
    damaged = folder / "damaged"
    damaged.mkdir()
    builders = {
        "truncated-disk": _truncated_disk,
        "corrupt-archives": _corrupt_archives,
        "e01-segment-cut": _e01_cut,
        "e01-segment-missing": _e01_missing,
        "e01-altered": _e01_altered,
        "archive-not-examined": _not_examined,
        "deleted-clusters-reused": _clusters_reused,
    }
    return [build(damaged, scratch, content) for name, build in builders.items()
            if wanted(name)]


def _rel(path: Path) -> str:
    """Relative to the reference folder (two above the item's own folder)."""
    parts = path.parts
    return "/".join(parts[parts.index("damaged"):])


def _truncated_disk(damaged: Path, scratch: Path, content: Content) -> ReferenceItem:
    volumes = [fat16(content), Volume("ext4", {
        "data/a.jpg": Member(content.unrelated[4], "image")}, {})]
    images = [v.build(scratch / f"cut-{v.fs}.img") for v in volumes]
    disk = damaged / "truncated-gpt.dd"
    starts = build_partitioned_image(disk, images, scheme="gpt")
    # Cut in the middle of the second partition: GPT's backup header and half the ext4
    # volume are gone, as in an acquisition that stopped early.
    with open(disk, "r+b") as f:
        f.truncate(starts[1] * 512 + images[1].stat().st_size // 2)
    return ReferenceItem(
        id="truncated-disk", title="A GPT disk cut off in its second partition (backup "
        "header and half the ext4 volume gone)", evidence=_rel(disk), kind="raw",
        exit_status=WARNINGS, warnings_complete=False, complete=False,
        warnings=[ExpectedWarning("walk", "(truncated?)")],
        files=volumes[0].expect(content, f"p1 (sector {starts[0]})"),
        exercises=["damaged: truncated image", "GPT without its backup header"])


def _corrupt_archives(damaged: Path, scratch: Path, content: Content) -> ReferenceItem:
    members = {f"m{i}.jpg": Member(content.unrelated[i], "image") for i in range(4)}
    tar = tar_of(packed(members), "w")
    # Cut inside the third member's data (found by bytes from its middle: JPEG headers
    # repeat from picture to picture): the first two are whole.
    third = tar.index(content.unrelated[2][2000:2064])
    cut_tar = tar[: third + 1000]
    tgz = tar_of(packed(members), "w:gz")
    cut_tgz = tgz[: len(tgz) * 2 // 3]
    sound = {"b.txt": Member(b"hello world " * 100, "other")}
    whole = zip_of({"a.jpg": content.unrelated[5], **packed(sound)})
    # A byte of the first member's compressed data altered: it cannot be decompressed.
    data_at = 30 + len("a.jpg") + 200
    bad_zip = whole[:data_at] + bytes([whole[data_at] ^ 0xFF]) + whole[data_at + 1:]
    no_directory = whole[:-30]  # the end of central directory record is gone
    files = {"cut.tar": cut_tar, "cut.tar.gz": cut_tgz, "bad.zip": bad_zip,
             "nocd.zip": no_directory}
    root = damaged / "corrupt-archives"
    write_files(root, files)
    expected = Expectations(content.catalogue)
    for name, data in files.items():
        expected.add(name, Member(data, "archive"))
    expected.add_all({k: members[k] for k in ("m0.jpg", "m1.jpg")}, archive="/cut.tar")
    expected.add_all(sound, archive="/bad.zip")
    return ReferenceItem(
        id="corrupt-archives", title="Damaged archives: a tar and a tar.gz cut short, a zip "
        "with a damaged member, a zip without its central directory", evidence=_rel(root),
        kind="directory", exit_status=WARNINGS, complete=False, warnings_complete=False,
        files=expected.files,
        warnings=[ExpectedWarning("archive", "damaged tar archive"),
                  ExpectedWarning("read", "cannot read"),
                  ExpectedWarning("archive", "corrupt zip archive")],
        exercises=["damaged: truncated tar", "damaged: truncated tar.gz",
                   "damaged: zip member", "damaged: zip directory"])


def _card_e01(damaged: Path, scratch: Path, content: Content, name: str) -> list[Path]:
    image = scratch / "card-e01.img"
    if not image.exists():
        fat12(content).build(image)
    folder = damaged / name
    folder.mkdir()
    return build_e01(image, folder / "card", segment_size=1024 * 1024,
                     case_number="VALIDATION", description="damaged reference card")


def _e01_item(item_id: str, title: str, segments: list[Path], **expected: object
              ) -> ReferenceItem:
    return ReferenceItem(id=item_id, title=title, evidence=_rel(segments[0]), kind="e01",
                         parts=[_rel(s) for s in segments if s.exists()], complete=False,
                         **expected)  # type: ignore[arg-type]


def _e01_cut(damaged: Path, scratch: Path, content: Content) -> ReferenceItem:
    segments = _card_e01(damaged, scratch, content, "e01-segment-cut")
    middle = segments[1]
    middle.write_bytes(middle.read_bytes()[: middle.stat().st_size // 2])
    return _e01_item("e01-segment-cut", f"An E01 set whose segment {middle.name} is cut "
                     "short", segments, exit_status=INPUT,
                     warnings=[ExpectedWarning("open", f"{middle.name} is cut short or damaged")],
                     exercises=["damaged: E01 segment cut short"])


def _e01_missing(damaged: Path, scratch: Path, content: Content) -> ReferenceItem:
    segments = _card_e01(damaged, scratch, content, "e01-segment-missing")
    segments[1].unlink()
    return _e01_item("e01-segment-missing", f"An E01 set without its segment "
                     f"{segments[1].name}", segments, exit_status=INPUT,
                     warnings=[ExpectedWarning("open", f"{segments[1].name} is missing")],
                     exercises=["damaged: E01 segment missing"])


def _e01_altered(damaged: Path, scratch: Path, content: Content) -> ReferenceItem:
    segments = _card_e01(damaged, scratch, content, "e01-altered")
    # One byte of a picture on the card altered where the segment stores it (the image is
    # uncompressed): the data no longer agrees with the MD5 stored at acquisition.
    needle = content.graded[4096:4160]
    for segment in segments:
        data = bytearray(segment.read_bytes())
        at = data.find(needle)
        if at >= 0:
            data[at] ^= 0xFF
            segment.write_bytes(bytes(data))
            break
    else:
        raise RuntimeError("the picture to alter was not found in the E01 segments")
    return _e01_item("e01-altered", "An E01 set with one byte of its data altered after "
                     "acquisition", segments, exit_status=WARNINGS, verified=False,
                     warnings_complete=False, warnings=[ExpectedWarning("verify", "")],
                     exercises=["damaged: E01 data altered"])


def _seven_zip() -> bytes:
    """An empty 7-Zip archive: signature, version 0.4, and a start header whose CRC
    covers an empty next header."""
    start = struct.pack("<QQI", 0, 0, 0)
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", zlib.crc32(start)) + start


def _not_examined(damaged: Path, scratch: Path, content: Content) -> ReferenceItem:
    path = damaged / "backup.7z"
    path.write_bytes(_seven_zip())
    os.utime(path, (FIXED_MTIME, FIXED_MTIME))
    expected = Expectations(content.catalogue)
    expected.add("backup.7z", Member(path.read_bytes(), "archive"))
    return ReferenceItem(
        id="archive-not-examined", title="A 7-Zip archive: recognised, not examined",
        evidence=_rel(path), kind="file", exit_status=WARNINGS, files=expected.files,
        warnings=[ExpectedWarning("archive", "7-Zip archive: contents not examined")],
        exercises=["7-Zip (recognised, not read)"])


def _clusters_reused(damaged: Path, scratch: Path, content: Content) -> ReferenceItem:
    volume = Volume("FAT16", {"sub/keep.txt": Member(b"kept\n", "other")},
                    {"Old Picture.jpg": Member(content.unrelated[5], "image")})
    image = volume.build(damaged / "reused-fat16.img")
    # A new file written after the deletion takes the freed clusters; its directory
    # entry goes into another folder, so the deleted name survives.
    newer = Member(content.unrelated[6], "image")
    staged = scratch / "reused"
    write_files(staged, {"new_picture.jpg": newer.data})
    subprocess.run(["mcopy", "-m", "-i", str(image), str(staged / "new_picture.jpg"),
                    "::/sub/"], env={**os.environ, "MTOOLS_SKIP_CHECK": "1"},
                   capture_output=True, check=True)
    shutil.rmtree(staged)
    expected = Expectations(content.catalogue, filesystem="FAT16")
    expected.add_all(volume.files)
    expected.add("sub/new_picture.jpg", newer)
    expected.files.append(ExpectedFile(path="/Old Picture.jpg", filesystem="FAT16",
                                       deleted=True, recoverable=False,
                                       note="its clusters now hold another file"))
    return ReferenceItem(
        id="deleted-clusters-reused", title="A FAT16 volume whose deleted picture's "
        "clusters were taken by a newer file", evidence=_rel(image), kind="raw",
        exit_status=WARNINGS, files=expected.files,
        warnings=[ExpectedWarning("read", "deleted file not recoverable")],
        exercises=["damaged: deleted file not recoverable"])
