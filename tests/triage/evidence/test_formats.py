"""Never silent: every format of docs/evidence.md's table is named by its signature, and a
file in a format that is not read is a warning row naming it (exit 4), never an opaque
file that passed without a word.

Headers are real where a tool here writes the format (qemu-img, cryptsetup, mkfs.xfs,
genisoimage); otherwise the smallest header that carries the signature the readers
(libyal, TSK) check first, with a comment saying where it comes from.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from safeguard.triage import ExitStatus, TriageOptions, triage
from safeguard.triage.evidence import open_evidence
from safeguard.triage.evidence.containers import RecognisedSource
from safeguard.triage.evidence.formats import identify, probe, shadow_copy_note

from ...archives import zip_bytes
from .conftest import qemu_img


def _at(size: int, *parts: tuple[int, bytes]) -> bytes:
    data = bytearray(size)
    for offset, value in parts:
        data[offset:offset + len(value)] = value
    return bytes(data)


# name: (header bytes, format named, kind). Each from the format's specification.
SYNTHETIC = {
    # APFS: the NX superblock's magic at byte 32 of block 0 (Apple File System Reference).
    "apfs": (_at(4096, (32, b"NXSB")), "APFS container", "file system"),
    "apfs_volume": (_at(4096, (32, b"APSB")), "APFS volume", "file system"),
    # BitLocker: the FVE boot sector's OEM name "-FVE-FS-" at byte 3 (libbde's docs).
    "bitlocker": (_at(4096, (3, b"-FVE-FS-"), (510, b"\x55\xaa")), "BitLocker",
                  "encrypted volume"),
    # LVM2: the label "LABELONE" in sector 1, its type "LVM2 001" at byte 24 of it.
    "lvm": (_at(4096, (512, b"LABELONE"), (536, b"LVM2 001")), "LVM2", "volume system"),
    # Core Storage: "CS" and version 1 at byte 88 of the physical volume header (libfvde).
    "corestorage": (_at(4096, (88, b"CS\x01\x00")), "Core Storage", "volume system"),
    # HFS+: the volume header at byte 1024, "H+" and version 4.
    "hfsplus": (_at(4096, (1024, b"H+\x00\x04")), "HFS+", "file system"),
    # DMG (UDIF): the 512-byte "koly" trailer at the end of the file.
    "dmg": (_at(8192, (8192 - 512, b"koly")), "DMG (UDIF)", "disk image"),
    # Apple sparse image: "sprs" at byte 0.
    "sparseimage": (_at(8192, (0, b"sprs")), "Apple sparse image", "disk image"),
    # AFF (version 1): "AFF10\r\n\0"; AFF4: a zip holding information.turtle.
    "aff": (_at(4096, (0, b"AFF10\r\n\x00")), "AFF", "disk image"),
    "aff4": (zip_bytes({"information.turtle": b"@prefix aff4: <http://aff4.org/Schema#> .\n"}),
             "AFF4", "disk image"),
    # UFS2: the superblock magic 0x19540119 at 65536 + 1372 (little-endian).
    "ufs2": (_at(70000, (65536 + 1372, struct.pack("<I", 0x19540119))), "UFS2", "file system"),
    # Btrfs: "_BHRfS_M" at 65536 + 64; ReFS: "ReFS" at byte 3; F2FS: magic at 1024.
    "btrfs": (_at(70000, (65600, b"_BHRfS_M")), "Btrfs", "file system"),
    "refs": (_at(4096, (3, b"ReFS\x00\x00\x00\x00")), "ReFS", "file system"),
    "f2fs": (_at(4096, (1024, struct.pack("<I", 0xF2F52010))), "F2FS", "file system"),
}


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_each_format_is_named_by_its_signature(name: str) -> None:
    data, expected, kind = SYNTHETIC[name]
    found = identify(data[:68 * 1024], data[-64 * 1024:])
    assert found is not None and (found.name, found.kind) == (expected, kind)


# Read through libmodi: a header alone is a damaged image, an input error naming it.
READ = {"dmg", "sparseimage"}


@pytest.mark.parametrize("name", sorted(set(SYNTHETIC) - READ))
def test_each_format_not_read_is_a_warning_and_exit_4(name: str, tmp_path: Path) -> None:
    data, expected, _ = SYNTHETIC[name]
    evidence = tmp_path / f"{name}.bin"
    evidence.write_bytes(data)
    outcome = triage([str(evidence)], TriageOptions(out_dir=tmp_path / "out", workers=1,
                                                    perceptual=None))
    assert outcome.status is ExitStatus.WARNINGS
    assert [w.message.split(" (", 1)[0] for w in outcome.warnings if w.stage == "open"] == [
        expected]


@pytest.mark.parametrize("name", sorted(READ))
def test_a_damaged_image_of_a_format_read_is_never_silent(name: str, tmp_path: Path) -> None:
    data = SYNTHETIC[name][0]
    evidence = tmp_path / f"{name}.bin"
    evidence.write_bytes(data)
    outcome = triage([str(evidence)], TriageOptions(out_dir=tmp_path / "out", workers=1,
                                                    perceptual=None))
    # libmodi refuses the sparse image header (exit 3, naming it); it opens the bare UDIF
    # trailer as empty media, walked with a warning (exit 4).
    assert outcome.status in (ExitStatus.INPUT, ExitStatus.WARNINGS)
    assert outcome.warnings


def test_noise_and_pictures_name_nothing() -> None:
    assert identify(bytes(70000)) is None
    assert identify(b"\xff\xd8\xff\xe0" + bytes(70000)) is None
    # "BD" alone at 1024 is not an HFS volume: its allocation block size must fit.
    assert identify(_at(4096, (1024, b"BD"))) is None


@pytest.mark.parametrize("fmt, options, expected", [
    ("qcow2", (), "QCOW2"),
    ("vmdk", (), "VMDK"),
    ("vpc", (), "VHD"),
    ("vpc", ("-o", "subformat=fixed"), "VHD"),
    ("vhdx", (), "VHDX"),
    ("vdi", (), "VDI (VirtualBox)"),
    ("parallels", (), "Parallels"),
])
def test_real_virtual_disks_are_named(fat16_image: Path, tmp_path: Path, fmt: str,
                                      options: tuple[str, ...], expected: str) -> None:
    target = tmp_path / f"disk.{fmt}"
    qemu_img("convert", "-O", fmt, *options, str(fat16_image), str(target))
    found = probe(target)
    assert found is not None and found.name == expected


@pytest.mark.parametrize("fmt", ["vdi", "parallels"])
def test_real_virtual_disks_not_read_are_warnings(fat16_image: Path, tmp_path: Path,
                                                  fmt: str) -> None:
    target = tmp_path / f"disk.{fmt}"
    qemu_img("convert", "-O", fmt, str(fat16_image), str(target))
    source = open_evidence(str(target))
    assert type(source) is RecognisedSource
    warnings: list = []
    assert len(list(source.entries(warnings.append))) == 1
    assert "not examined" in warnings[0].message


def test_real_iso_and_udf_discs_are_read_through_tsk(tmp_path: Path) -> None:
    tool = shutil.which("genisoimage")
    assert tool, "genisoimage is missing"
    tree = tmp_path / "tree" / "DCIM"
    tree.mkdir(parents=True)
    (tree / "A.TXT").write_bytes(b"disc file\n")
    for flag, name in (((), "ISO 9660"), (("-udf",), "UDF")):
        disc = tmp_path / f"{name[:3]}.iso"
        subprocess.run([tool, "-quiet", *flag, "-o", str(disc), str(tmp_path / "tree")],
                       check=True)
        assert probe(disc).name == name  # type: ignore[union-attr]
        source = open_evidence(str(disc))
        warnings: list = []
        assert [e.address.path for e in source.entries(warnings.append)] == ["/DCIM/A.TXT"]
        source.close()


def test_shadow_copies_are_named() -> None:
    head = _at(8192, (0x1E00, bytes.fromhex("6b87083876c1484eb7ae04046e6cc752")))
    assert "volume shadow copies (VSS)" in shadow_copy_note(head)
    assert shadow_copy_note(bytes(8192)) == ""
