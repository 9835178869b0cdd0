"""E01 images: the same walk as raw, plus verification against the acquisition hashes."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from safeguard.demo.diskimages import SAMPLE_FILES, build_e01, synthetic_bytes
from safeguard.triage.errors import EvidenceError, NotThisFormat
from safeguard.triage.evidence.ewf import EwfSource
from safeguard.triage.evidence.ewfsegments import next_name
from safeguard.triage.evidence.tsk import RawImageSource
from safeguard.triage.records import FileEntry, TriageWarning


def walk(source: EwfSource | RawImageSource) -> tuple[list[FileEntry], list[TriageWarning]]:
    warnings: list[TriageWarning] = []
    return list(source.entries(warnings.append)), warnings


def listing(source: EwfSource | RawImageSource) -> list[tuple[str, str, bool, int, bytes]]:
    entries, warnings = walk(source)
    assert warnings == []
    out = []
    for e in entries:
        with e.opener() as stream:
            out.append((e.address.partition, e.address.path, e.deleted, e.size, stream.read()))
    return out


def copy_set(segments: list[Path], folder: Path) -> list[Path]:
    folder.mkdir()
    return [Path(shutil.copy(s, folder / s.name)) for s in segments]


def test_it_reads_the_same_files_as_the_raw_image(fat16_e01: list[Path],
                                                  fat16_image: Path) -> None:
    source = EwfSource.open(fat16_e01[0], "EX1")
    assert listing(source) == listing(RawImageSource.open(fat16_image, "EX1"))
    entries, _ = walk(source)
    assert entries[0].address.evidence == "EX1"
    assert entries[0].address.filesystem == "FAT16"


def test_it_verifies_the_acquisition_hash(fat16_e01: list[Path], fat16_image: Path) -> None:
    warnings: list[TriageWarning] = []
    info = EwfSource.open(fat16_e01[0], "EX1").describe(warnings.append)
    raw = fat16_image.read_bytes()
    assert warnings == []
    assert info.kind == "e01"
    assert info.verified is True
    assert info.size == len(raw)
    assert info.md5 == hashlib.md5(raw).hexdigest()
    assert info.sha256 == hashlib.sha256(raw).hexdigest()
    assert info.detail["stored_md5"] == info.md5
    assert info.detail["stored_sha1"] == hashlib.sha1(raw).hexdigest()
    assert info.detail["case_number"] == "SG-DEMO-0001"
    assert info.detail["examiner_name"] == "Demo Examiner"
    assert info.detail["segments"] == ["fat16.E01"]
    assert info.detail["filesystems"][0]["type"] == "FAT16"


def test_it_reads_a_split_set_of_a_partitioned_disk(split_e01: list[Path],
                                                    mbr_image: Path) -> None:
    assert len(split_e01) >= 10
    source = EwfSource.open(split_e01[0], "DISK")
    files = listing(source)
    assert files == listing(RawImageSource.open(mbr_image, "DISK"))
    assert {f[0] for f in files} == {"p1 (sector 2048)", "p2 (sector 18432)"}
    info = source.describe(lambda w: None)
    assert info.verified is True
    assert info.detail["segments"] == [s.name for s in split_e01]
    assert info.detail["volume_system"] == "MBR"


def test_a_tampered_segment_fails_verification(split_e01: list[Path], tmp_path: Path) -> None:
    segments = copy_set(split_e01, tmp_path / "set")
    # Find bytes of a known file inside some segment (the image is stored uncompressed)
    # and change them, as tampering or media decay would.
    needle = SAMPLE_FILES["big.bin"][150_000:150_032]
    target = next(s for s in segments if needle in s.read_bytes())
    data = bytearray(target.read_bytes())
    at = data.find(needle)
    data[at:at + 32] = bytes(b ^ 0xFF for b in needle)
    target.write_bytes(bytes(data))
    warnings: list[TriageWarning] = []
    info = EwfSource.open(segments[0], "DISK").describe(warnings.append)
    assert info.verified is False
    assert [w.stage for w in warnings] == ["verify"]
    assert "MD5" in warnings[0].message and str(segments[0]) in warnings[0].message


def test_a_missing_segment_is_an_evidence_error(split_e01: list[Path], tmp_path: Path) -> None:
    segments = copy_set(split_e01, tmp_path / "set")
    segments[2].unlink()
    with pytest.raises(EvidenceError, match=r"disk\.E01.*disk\.E03 is missing"):
        EwfSource.open(segments[0], "DISK")


def test_a_missing_last_segment_is_named(split_e01: list[Path], tmp_path: Path) -> None:
    segments = copy_set(split_e01, tmp_path / "set")
    last = segments[-1].name
    segments[-1].unlink()
    with pytest.raises(EvidenceError, match=rf"incomplete.*{re.escape(last)} is missing"):
        EwfSource.open(segments[0], "DISK")


def test_a_segment_cut_in_half_is_named_not_the_one_after_it(split_e01: list[Path],
                                                             tmp_path: Path) -> None:
    segments = copy_set(split_e01, tmp_path / "set")
    data = segments[-1].read_bytes()
    segments[-1].write_bytes(data[: len(data) // 2])
    after = next_name(segments[-1].name)
    with pytest.raises(EvidenceError) as caught:
        EwfSource.open(segments[0], "DISK")
    assert f"{segments[-1].name} is cut short" in str(caught.value)
    assert after not in str(caught.value)


def test_segment_names_count_on_past_99() -> None:
    assert next_name("disk.E09") == "disk.E10"
    assert next_name("disk.E99") == "disk.EAA"
    assert next_name("disk.EAZ") == "disk.EBA"


def test_a_corrupt_header_is_an_evidence_error(fat16_e01: list[Path], tmp_path: Path) -> None:
    (segment,) = copy_set(fat16_e01, tmp_path / "set")
    data = bytearray(segment.read_bytes())
    data[13:400] = bytes(387)  # keep the signature, wipe the first section descriptors
    segment.write_bytes(bytes(data))
    with pytest.raises(EvidenceError, match=r"fat16\.E01"):
        EwfSource.open(segment, "EX1")


def test_it_says_not_this_format_for_other_files(fat16_image: Path, tmp_path: Path) -> None:
    other = tmp_path / "notes.E01"
    other.write_bytes(b"not an expert witness file" * 10)
    for path in (fat16_image, other, tmp_path):
        with pytest.raises(NotThisFormat):
            EwfSource.open(path, "EX1")


def test_an_e01_of_unknown_media_opens_with_a_warning(tmp_path: Path) -> None:
    raw = tmp_path / "noise.bin"
    raw.write_bytes(synthetic_bytes("noise", 1024 * 1024))
    (segment,) = build_e01(raw, tmp_path / "noise")
    source = EwfSource.open(segment, "EX9")
    entries, warnings = walk(source)
    assert entries == []
    assert [w.stage for w in warnings] == ["walk"]
    assert "no partition table or file system" in warnings[0].message
    info = source.describe(lambda w: None)
    assert info.verified is True
    assert info.sha256 == hashlib.sha256(raw.read_bytes()).hexdigest()
