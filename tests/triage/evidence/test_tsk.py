"""Raw disk images through The Sleuth Kit: golden counts, addresses, deleted files, damage."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest

from safeguard.demo.diskimages import (
    FIXED_MTIME,
    SAMPLE_DELETED,
    SAMPLE_FILES,
    SAMPLE_NTFS_FILES,
    ImageToolMissing,
    build_ext4_image,
    build_fat_image,
    build_partitioned_image,
    split_raw_image,
    synthetic_bytes,
)
from safeguard.triage.errors import EvidenceError, NotThisFormat
from safeguard.triage.evidence.tsk import RawImageSource
from safeguard.triage.records import FileEntry, TriageWarning

Builder = Callable[[Path, Mapping[str, bytes], Iterable[str]], Path]

# What TSK reports for SAMPLE_FILES on FAT: a deleted 8.3 name loses its first letter (the
# directory entry's first byte becomes 0xE5; TSK shows '_'); a long name survives whole.
FAT_GOLDEN = [
    ("/DCIM/100CANON/IMG_0001.JPG", False, "DCIM/100CANON/IMG_0001.JPG"),
    ("/DCIM/100CANON/IMG_0002.JPG", False, "DCIM/100CANON/IMG_0002.JPG"),
    ("/DCIM/100CANON/deleted_photo_0004.jpg", True, "DCIM/100CANON/deleted_photo_0004.jpg"),
    ("/DCIM/100CANON/holiday_photo_0003.jpg", False, "DCIM/100CANON/holiday_photo_0003.jpg"),
    ("/Documents/notes.txt", False, "Documents/notes.txt"),
    ("/Documents/reports/summary.csv", False, "Documents/reports/summary.csv"),
    ("/_one.txt", True, "gone.txt"),
    ("/big.bin", False, "big.bin"),
    ("/empty.dat", False, "empty.dat"),
    ("/readme.txt", False, "readme.txt"),
]
# ext4 and exFAT keep a deleted file's name; paths sort the same otherwise.
NAMED_GOLDEN = sorted(
    (f"/{name}", name in SAMPLE_DELETED, name) for name in SAMPLE_FILES
)


def walk(source: RawImageSource) -> tuple[list[FileEntry], list[TriageWarning]]:
    warnings: list[TriageWarning] = []
    return list(source.entries(warnings.append)), warnings


def content(entry: FileEntry) -> bytes:
    with entry.opener() as stream:
        return stream.read()


def check_golden(path: Path, filesystem: str, golden: list[tuple[str, bool, str]]) -> None:
    source = RawImageSource.open(path, "EX1")
    try:
        entries, warnings = walk(source)
        assert warnings == []
        assert [(e.address.path, e.deleted) for e in entries] == [(p, d) for p, d, _ in golden]
        for entry, (_, _, name) in zip(entries, golden, strict=True):
            assert entry.address.filesystem == filesystem
            assert entry.address.evidence == "EX1"
            assert entry.address.partition == ""
            assert entry.address.inode.isdigit()
            assert entry.size == len(SAMPLE_FILES[name])
            assert hashlib.sha256(content(entry)).digest() == hashlib.sha256(
                SAMPLE_FILES[name]).digest(), entry.address
    finally:
        source.close()


def test_it_walks_fat16_with_exact_entries_and_recovers_deleted(fat16_image: Path) -> None:
    check_golden(fat16_image, "FAT16", FAT_GOLDEN)


@pytest.mark.parametrize(("fixture", "name"), [("fat12_image", "FAT12"),
                                               ("fat32_image", "FAT32")])
def test_it_reads_fat12_and_fat32(fixture: str, name: str, request: pytest.FixtureRequest) -> None:
    check_golden(request.getfixturevalue(fixture), name, FAT_GOLDEN)


def test_it_reads_ext4_with_a_debugfs_deleted_file(ext4_image: Path) -> None:
    check_golden(ext4_image, "ext4", NAMED_GOLDEN)


def test_it_reads_exfat_with_deleted_files(exfat_image: Path) -> None:
    check_golden(exfat_image, "exFAT", NAMED_GOLDEN)
    fsck = subprocess.run(["fsck.exfat", "-n", str(exfat_image)], capture_output=True,
                          text=True, check=False)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr  # the writer makes valid volumes


def test_it_reads_ntfs_without_system_files(ntfs_image: Path) -> None:
    source = RawImageSource.open(ntfs_image, "EX1")
    entries, warnings = walk(source)
    assert warnings == []
    assert [e.address.path for e in entries] == [f"/{n}" for n in sorted(SAMPLE_NTFS_FILES)]
    for entry in entries:
        assert entry.address.filesystem == "NTFS"
        assert not entry.deleted
        assert content(entry) == SAMPLE_NTFS_FILES[entry.address.path[1:]]
        assert entry.times.modified == FIXED_MTIME


@pytest.mark.parametrize(("builder", "expected"), [
    (build_fat_image, ["/Documents/_eports/_ummary.csv", "/Documents/_otes.txt"]),
    (build_ext4_image, ["/Documents/notes.txt", "/Documents/reports/summary.csv"]),
])
def test_files_in_a_deleted_folder_are_deleted(builder: Builder, expected: list[str],
                                               tmp_path: Path) -> None:
    image = builder(tmp_path / "d.img", SAMPLE_FILES, ("Documents",))
    entries, warnings = walk(RawImageSource.open(image, "EX1"))
    assert warnings == []
    gone = [e for e in entries if e.deleted]
    assert [e.address.path for e in gone] == expected
    # The content survives; FAT loses each short name's first letter, not the bytes.
    originals = {"otes": "Documents/notes.txt", "ummary": "Documents/reports/summary.csv"}
    for entry in gone:
        key = next(k for k in originals if k in entry.address.path)
        assert content(entry) == SAMPLE_FILES[originals[key]]


def test_it_reads_fat_times(fat16_image: Path) -> None:
    entries, _ = walk(RawImageSource.open(fat16_image, "EX1"))
    # FAT keeps local time in 2-second steps; mtools and TSK agree on the zone here.
    assert {e.times.modified for e in entries} == {float(FIXED_MTIME)}
    assert all(e.times.changed is None for e in entries)  # FAT has no change time


def test_it_agrees_with_fls(fat16_image: Path) -> None:
    fls = shutil.which("fls")
    assert fls, "fls not found: install the Debian package sleuthkit"
    listing = subprocess.run([fls, "-r", "-p", str(fat16_image)], capture_output=True,
                             text=True, check=True).stdout
    theirs = set()
    for line in listing.splitlines():
        kind, _, name = line.partition("\t")
        if kind.startswith("r/r") and not name.endswith("(Volume Label Entry)"):
            theirs.add(("/" + name, "*" in kind))
    entries, _ = walk(RawImageSource.open(fat16_image, "EX1"))
    assert {(e.address.path, e.deleted) for e in entries} == theirs


@pytest.mark.parametrize("scheme", ["mbr", "gpt"])
def test_it_walks_every_partition(scheme: str, request: pytest.FixtureRequest) -> None:
    image = request.getfixturevalue(f"{scheme}_image")
    source = RawImageSource.open(image, "DISK")
    entries, warnings = walk(source)
    assert warnings == []
    found = sorted({(e.address.partition, e.address.filesystem) for e in entries})
    if scheme == "mbr":
        assert found == [("p1 (sector 2048)", "FAT16"), ("p2 (sector 18432)", "ext4")]
    else:
        assert found == [("p1 (sector 2048)", "FAT32"), ("p2 (sector 71680)", "ext4"),
                         ("p3 (sector 88064)", "exFAT")]
    assert len(entries) == len(found) * len(SAMPLE_FILES)
    p2 = [e for e in entries if e.address.partition.startswith("p2 ")]
    assert content(p2[0]) == SAMPLE_FILES[p2[0].address.path[1:]]
    info = source.describe(lambda w: None)
    assert info.detail["volume_system"] == scheme.upper()
    assert [p["filesystem"] for p in info.detail["partitions"]] == [f for _, f in found]
    assert "p2 (sector" in str(p2[0].address)


def test_it_describes_a_raw_image(fat16_image: Path) -> None:
    info = RawImageSource.open(fat16_image, "EX1").describe(lambda w: None)
    assert info.kind == "raw"
    assert info.size == fat16_image.stat().st_size
    assert info.sha256 == hashlib.sha256(fat16_image.read_bytes()).hexdigest()
    assert info.verified is None
    assert info.detail["filesystems"] == [{"partition": "", "type": "FAT16", "offset": 0}]


def test_it_reads_split_raw_images(fat16_image: Path, tmp_path: Path) -> None:
    pieces = split_raw_image(fat16_image, tmp_path / "card", 3 * 1024 * 1024 + 17)
    assert len(pieces) == 3
    whole, _ = walk(RawImageSource.open(fat16_image, "EX1"))
    source = RawImageSource.open(pieces[0], "EX1")
    parts, warnings = walk(source)
    assert warnings == []
    assert [(e.address.path, e.size) for e in parts] == [(e.address.path, e.size) for e in whole]
    assert [content(e) for e in parts] == [content(e) for e in whole]
    info = source.describe(lambda w: None)
    assert info.sha256 == hashlib.sha256(fat16_image.read_bytes()).hexdigest()
    assert info.size == fat16_image.stat().st_size
    assert info.detail["segments"] == ["card.001", "card.002", "card.003"]


def test_it_reads_one_file_from_many_threads(fat16_image: Path) -> None:
    source = RawImageSource.open(fat16_image, "EX1")
    entries, _ = walk(source)
    big = next(e for e in entries if e.address.path == "/big.bin")
    expected = hashlib.sha256(SAMPLE_FILES["big.bin"]).hexdigest()
    results: list[str] = []

    def digest(entry: FileEntry) -> None:
        with entry.opener() as stream:
            h = hashlib.sha256()
            while chunk := stream.read(7_777):
                h.update(chunk)
            results.append(h.hexdigest())

    threads = [threading.Thread(target=digest, args=(e,)) for e in [big] * 6 + entries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(expected) == 7
    assert len(results) == 6 + len(entries)


def test_its_streams_seek(fat16_image: Path) -> None:
    entries, _ = walk(RawImageSource.open(fat16_image, "EX1"))
    big = next(e for e in entries if e.address.path == "/big.bin")
    with big.opener() as stream:
        assert stream.seekable() and stream.readable()
        stream.seek(-10, os.SEEK_END)
        assert stream.read() == SAMPLE_FILES["big.bin"][-10:]
        stream.seek(1000)
        assert stream.tell() == 1000
        assert stream.read(5) == SAMPLE_FILES["big.bin"][1000:1005]
        assert stream.read(0) == b""


def test_its_openers_fail_clearly_after_close(fat16_image: Path) -> None:
    source = RawImageSource.open(fat16_image, "EX1")
    entries, _ = walk(source)
    source.close()
    with pytest.raises(EvidenceError, match="closed"):
        entries[0].opener()


def test_a_truncated_volume_is_warned_about_not_a_crash(fat16_image: Path,
                                                        tmp_path: Path) -> None:
    cut = tmp_path / "cut.img"
    cut.write_bytes(fat16_image.read_bytes()[: 100 * 1024])  # boot sector, FATs, root, a bit
    source = RawImageSource.open(cut, "EX1")
    entries, warnings = walk(source)
    assert any("truncated" in w.message for w in warnings)
    for entry in entries:
        try:
            content(entry)
        except EvidenceError as exc:
            assert entry.address.path in str(exc)


def test_a_header_only_image_is_an_evidence_error(fat16_image: Path, tmp_path: Path) -> None:
    cut = tmp_path / "stub.img"
    cut.write_bytes(fat16_image.read_bytes()[:1024])
    with pytest.raises(EvidenceError, match=r"stub\.img"):
        RawImageSource.open(cut, "EX1")


@pytest.mark.parametrize("keep", [10 * 1024 * 1024, 9 * 1024 * 1024 + 512])
def test_a_truncated_disk_keeps_its_whole_partitions(keep: int, mbr_image: Path,
                                                     tmp_path: Path) -> None:
    cut = tmp_path / "disk.img"
    with open(mbr_image, "rb") as whole:
        cut.write_bytes(whole.read(keep))  # p1 whole, p2 (from 9 MiB) cut short
    entries, warnings = walk(RawImageSource.open(cut, "DISK"))
    p1 = [e for e in entries if e.address.partition == "p1 (sector 2048)"]
    assert [content(e) for e in p1] == [SAMPLE_FILES[n] for _, _, n in FAT_GOLDEN]
    assert str(warnings[0].address) == "DISK › p2 (sector 18432)"
    assert "truncated" in warnings[0].message
    for entry in entries[len(p1):]:  # whatever TSK still lists in p2: data or a clear error
        assert entry.address.partition == "p2 (sector 18432)"
        try:
            content(entry)
        except EvidenceError as exc:
            assert str(entry.address) in str(exc)


def test_a_directory_loop_is_a_warning(tmp_path: Path) -> None:
    image = build_fat_image(tmp_path / "loop.img", {"A/B/file.txt": b"x" * 100})
    data = bytearray(image.read_bytes())
    # Point folder B's entry (inside A's cluster) back at A's own cluster: A → B → A ...
    a_entry = data.find(b"A          \x10")
    b_entry = data.find(b"B          \x10")
    assert a_entry > 0 and b_entry > 0
    data[b_entry + 26:b_entry + 28] = data[a_entry + 26:a_entry + 28]
    image.write_bytes(bytes(data))
    entries, warnings = walk(RawImageSource.open(image, "EX1"))
    assert entries == []  # file.txt is no longer reachable by name
    assert any("loop" in w.message and w.stage == "walk" for w in warnings), warnings


@pytest.mark.parametrize("payload", [synthetic_bytes("noise", 100_000), b"PK\x03\x04" + bytes(4000),
                                     b"just text\n" * 100])
def test_it_says_not_this_format_for_other_files(payload: bytes, tmp_path: Path) -> None:
    path = tmp_path / "thing.bin"
    path.write_bytes(payload)
    with pytest.raises(NotThisFormat):
        RawImageSource.open(path, "EX1")


def test_it_says_not_this_format_for_folders_and_empty_files(tmp_path: Path) -> None:
    (tmp_path / "empty.img").write_bytes(b"")
    for path in (tmp_path, tmp_path / "empty.img"):
        with pytest.raises(NotThisFormat):
            RawImageSource.open(path, "EX1")


def test_builders_name_a_missing_tool(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    with pytest.raises(ImageToolMissing, match=r"mkfs\.vfat.*dosfstools"):
        build_fat_image(tmp_path / "x.img", {"a.txt": b"a"})
    with pytest.raises(ImageToolMissing, match=r"sfdisk.*fdisk"):
        build_partitioned_image(tmp_path / "d.img", [tmp_path / "x.img"])
