"""File systems and volume groups The Sleuth Kit here does not read, opened through libyal
(evidence/yalfs.py, volumes.py), each against an oracle that does not use the reader: the
files written into the image (their SHA-1), xfs_db's own listing of names and inode
numbers, the FAT volume read as a raw image through TSK, and pvck's reading of the LVM
metadata."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from safeguard.demo.diskimages import SAMPLE_FILES
from safeguard.triage import ExitStatus, TriageOptions, triage
from safeguard.triage.evidence import open_evidence
from safeguard.triage.evidence.containers import RecognisedSource
from safeguard.triage.evidence.tsk import RawImageSource

from .test_containers import listing
from .test_source_contract import walk

WRITTEN = {"/" + name: hashlib.sha1(data).hexdigest() for name, data in SAMPLE_FILES.items()}


def xfs_db_inodes(image: Path, folder: str = "/") -> dict[str, str]:
    """Every regular file's path and inode number, as xfs_db (xfsprogs) lists them."""
    tool = shutil.which("xfs_db")
    assert tool, "xfs_db is missing: install xfsprogs"
    out = subprocess.run([tool, "-r", "-c", f"path {folder}", "-c", "ls", str(image)],
                         check=True, capture_output=True, text=True).stdout
    found: dict[str, str] = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 6 or parts[5] in (".", ".."):
            continue
        inode, kind, name = parts[1], parts[2], parts[5]
        path = f"{folder.rstrip('/')}/{name}"
        if kind == "directory":
            found.update(xfs_db_inodes(image, path))
        elif kind == "regular":
            found[path] = inode
    return found


def test_an_xfs_volume_reads_as_the_files_written_into_it(xfs_image: Path) -> None:
    source = open_evidence(str(xfs_image))
    assert type(source) is RawImageSource
    rows = listing(xfs_image)
    assert {row[2]: row[5] for row in rows} == WRITTEN
    assert {row[1] for row in rows} == {"XFS"}
    assert {row[2]: row[3] for row in rows} == xfs_db_inodes(xfs_image)
    assert source.describe(lambda w: None).detail["filesystems"] == [
        {"partition": "", "type": "XFS", "offset": 0}]
    source.close()


def test_an_xfs_volume_triages_with_no_warning(xfs_image: Path, tmp_path: Path) -> None:
    outcome = triage([str(xfs_image)], TriageOptions(out_dir=tmp_path / "out", workers=2,
                                                     perceptual=None))
    assert outcome.status is ExitStatus.OK, [w.message for w in outcome.warnings]


def test_an_lvm_volume_group_reads_each_logical_volume(lvm_image: Path, fat16_image: Path,
                                                       xfs_image: Path) -> None:
    rows = listing(lvm_image)
    home = [row for row in rows if row[0] == "lvm vg0/home"]
    data = [row for row in rows if row[0] == "lvm vg0/data"]
    assert len(home) + len(data) == len(rows)
    # The FAT volume through libvslvm, deleted files included, as TSK reads it raw.
    assert [row[1:] for row in home] == [row[1:] for row in listing(fat16_image)]
    assert any(row[4] == "True" for row in home)
    assert [row[1:] for row in data] == [row[1:] for row in listing(xfs_image)]
    source = open_evidence(str(lvm_image))
    detail = source.describe(lambda w: None).detail
    source.close()
    assert detail["volume_system"] == "LVM2"
    assert [p["label"] for p in detail["partitions"]] == ["lvm vg0/home", "lvm vg0/data"]


def test_pvck_reads_the_hand_made_lvm_metadata(lvm_image: Path) -> None:
    """The physical volume is written by the tests, not by LVM: LVM's own checker reads
    its label, header checksums and metadata."""
    tool = shutil.which("pvck")
    assert tool, "pvck is missing: install lvm2"
    out = subprocess.run([tool, "--dump", "metadata", str(lvm_image)], capture_output=True,
                         text=True)
    text = out.stdout + out.stderr
    assert out.returncode == 0, text
    assert "vgname vg0 seqno 1" in text and "home {" in text and "data {" in text
    assert "bad" not in text.lower() and "crc" not in text.lower().replace("crc 0x", "")


def test_a_volume_group_in_a_partition_is_labelled_by_both(lvm_in_mbr: Path,
                                                           lvm_image: Path) -> None:
    inner = listing(lvm_image)
    rows = listing(lvm_in_mbr)
    assert [row[0] for row in rows] == [f"p1 (sector 2048, {row[0]})" for row in inner]
    assert [row[1:] for row in rows] == [row[1:] for row in inner]


def test_damaged_lvm_metadata_is_a_warning_and_exit_4(lvm_image: Path, tmp_path: Path) -> None:
    data = bytearray(lvm_image.read_bytes()[:2 * 1024 * 1024])
    data[4096 + 512:4096 + 520] = b"garbage!"  # the metadata text: its checksum fails
    damaged = tmp_path / "pv.img"
    damaged.write_bytes(bytes(data))
    assert type(open_evidence(str(damaged))) is RecognisedSource
    outcome = triage([str(damaged)], TriageOptions(out_dir=tmp_path / "out", workers=1,
                                                   perceptual=None))
    assert outcome.status is ExitStatus.WARNINGS
    [warning] = outcome.warnings
    assert warning.message.startswith("LVM2 (volume system) recognised: LVM2 (volume "
                                      "system) cannot be opened"), warning.message


def test_a_cut_short_xfs_volume_is_named_and_not_read(xfs_image: Path, tmp_path: Path) -> None:
    head = tmp_path / "head.xfs"
    head.write_bytes(xfs_image.read_bytes()[:1024 * 1024])
    source = open_evidence(str(head))
    assert type(source) is RecognisedSource and source.recognised.name == "XFS"
    entries, warnings = walk(source)
    assert len(entries) == 1 and "XFS (file system) recognised" in warnings[0].message
    source.close()


def test_an_apfs_container_written_by_mkapfs_reads_its_volume(tmp_path: Path) -> None:
    """mkapfs (apfsprogs) writes an empty container with one volume; nothing here can put
    files into it without mounting, so this proves the container and volume are opened
    and walked (no file, no warning), and apfsck, its own checker, agrees it is sound."""
    mkapfs = shutil.which("mkapfs")
    assert mkapfs, "mkapfs is missing: install apfsprogs (scripts/install-system-deps.sh)"
    image = tmp_path / "mac.img"
    with image.open("wb") as handle:
        handle.truncate(512 * 1024 * 1024)  # mkapfs refuses small containers
    subprocess.run([mkapfs, "-L", "Case volume", str(image)], check=True, capture_output=True)
    subprocess.run(["apfsck", str(image)], check=True, capture_output=True)
    source = open_evidence(str(image))
    assert type(source) is RawImageSource
    assert source.describe(lambda w: None).detail["filesystems"] == [
        {"partition": "APFS volume 1 'Case volume'", "type": "APFS", "offset": 0}]
    assert walk(source) == ([], [])
    source.close()
    outcome = triage([str(image)], TriageOptions(out_dir=tmp_path / "out", workers=2,
                                                 perceptual=None))
    assert outcome.status is ExitStatus.OK, [w.message for w in outcome.warnings]


@pytest.mark.parametrize("magic, name", [(b"NXSB", "APFS container"), (b"H+\x00\x04", "HFS+")])
def test_an_apple_volume_that_cannot_be_opened_is_never_silent(
    magic: bytes, name: str, tmp_path: Path
) -> None:
    """No tool here writes APFS or HFS+: a signature alone is what libfsapfs/libfshfs are
    handed, and refuse, naming the format."""
    data = bytearray(64 * 1024)
    offset = 32 if name.startswith("APFS") else 1024
    data[offset:offset + len(magic)] = magic
    evidence = tmp_path / "mac.img"
    evidence.write_bytes(bytes(data))
    source = open_evidence(str(evidence))
    assert type(source) is RecognisedSource
    assert source.recognised.name == name
    assert "cannot be opened" in source.reason or "not examined" in source.reason
