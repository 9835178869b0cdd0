"""A disk image found inside the evidence is examined as evidence (evidence/nested.py):
in a folder, in a zip, in another disk image's file system. Oracle: the same image read
on its own as evidence (TSK), file for file; and every row of files.csv reads back
through open_content, as the review reads it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from safeguard.demo.diskimages import build_ext4_image
from safeguard.triage import (
    Address,
    ExitStatus,
    TriageOptions,
    open_content,
    read_run,
    triage,
)
from safeguard.triage.evidence.nested import image_member, split_image_member

from ...archives import zip_bytes
from .conftest import qemu_img
from .test_containers import listing


def run(tmp_path: Path, evidence: Path):
    out = tmp_path / "out"
    outcome = triage([str(evidence)], TriageOptions(out_dir=out, workers=2, perceptual=None))
    return outcome, [row for row in read_run(out).rows()]


def inner_rows(rows: list[dict[str, str]], archive: str) -> list[tuple[str, ...]]:
    """The rows of files inside the image at `archive`, as listing() gives them."""
    found = []
    for row in rows:
        if row["archive"] != archive:
            continue
        inner = split_image_member(row["path"])
        assert inner is not None, row["path"]
        found.append((inner.partition, inner.filesystem, inner.path, inner.inode,
                      str(row["deleted"] == "true"), row["sha1"] or "-"))
    return sorted(found)


def reads_back(evidence: Path, rows: list[dict[str, str]]) -> None:
    for row in rows:
        if not row["sha1"]:
            continue
        address = Address.from_columns(row)
        assert Address.from_columns(address.columns()) == address  # files.csv round trip
        with open_content(evidence, address, deleted=row["deleted"] == "true") as stream:
            assert hashlib.sha1(stream.read()).hexdigest() == row["sha1"], row["path"]


@pytest.fixture(scope="module")
def seized(tmp_path_factory: pytest.TempPathFactory, fat16_image: Path, fat12_image: Path,
           mbr_image: Path) -> Path:
    """A seized folder: a card image, a split VMDK (descriptor and extent), and a zip
    holding a FAT12 image."""
    root = tmp_path_factory.mktemp("nested") / "seized"
    (root / "vm").mkdir(parents=True)
    shutil.copy(fat16_image, root / "card.img")
    qemu_img("convert", "-O", "vmdk", "-o", "subformat=twoGbMaxExtentSparse",
             str(mbr_image), str(root / "vm" / "disk.vmdk"))
    (root / "backup.zip").write_bytes(zip_bytes({"images/fat12.img": fat12_image.read_bytes()}))
    (root / "notes.txt").write_bytes(b"not an image\n")
    return root


def test_images_in_a_folder_and_a_zip_are_examined_as_evidence(
    seized: Path, tmp_path: Path, fat16_image: Path, fat12_image: Path, mbr_image: Path
) -> None:
    outcome, rows = run(tmp_path, seized)
    assert outcome.status is ExitStatus.OK, [w.message for w in outcome.warnings]
    assert inner_rows(rows, "/card.img") == sorted(listing(fat16_image))
    assert inner_rows(rows, "/vm/disk.vmdk") == sorted(listing(mbr_image))
    assert inner_rows(rows, "/backup.zip!/images/fat12.img") == sorted(listing(fat12_image))
    # The extent is read through its descriptor, not as a disk of its own.
    assert not [row for row in rows if row["archive"] == "/vm/disk-s001.vmdk"]
    reads_back(seized, rows)


def test_an_image_inside_a_disk_image_is_examined(
    tmp_path: Path, fat12_image: Path
) -> None:
    outer = build_ext4_image(tmp_path / "outer.img",
                             {"backup/card.img": fat12_image.read_bytes(),
                              "readme.txt": b"outer volume\n"}, ())
    outcome, rows = run(tmp_path, outer)
    assert outcome.status is ExitStatus.OK, [w.message for w in outcome.warnings]
    assert inner_rows(rows, "/backup/card.img") == sorted(listing(fat12_image))
    assert any(row[4] == "True" for row in inner_rows(rows, "/backup/card.img"))
    reads_back(outer, rows)


def test_an_image_not_read_inside_the_evidence_is_a_warning(
    luks1_volume: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "seized"
    folder.mkdir()
    shutil.copy(luks1_volume, folder / "secret.bin")
    outcome, rows = run(tmp_path, folder)
    assert outcome.status is ExitStatus.WARNINGS
    assert [(w.address.path, w.message) for w in outcome.warnings] == [
        ("/secret.bin", "LUKS1 (encrypted volume) found inside the evidence: encrypted, no "
                        "key given: not examined; hashed as one file")]
    assert [row["path"] for row in rows] == ["/secret.bin"]


def test_a_damaged_image_inside_the_evidence_is_a_warning(vmdk_sparse: Path,
                                                          tmp_path: Path) -> None:
    folder = tmp_path / "seized"
    folder.mkdir()
    (folder / "broken.vmdk").write_bytes(vmdk_sparse.read_bytes()[:4096])
    outcome, _ = run(tmp_path, folder)
    assert outcome.status is ExitStatus.WARNINGS
    [warning] = outcome.warnings
    assert warning.message.startswith("VMDK disk image found inside the evidence, not "
                                      "examined: "), warning.message


@pytest.mark.parametrize("inner", [
    Address("", "/DCIM/a.jpg", "p2 (sector 2048)", "NTFS", "1234"),
    Address("", "/odd [name] › x.jpg", "", "FAT16", "12"),
    Address("", "/a.txt:stream", "p1 (sector 2048, lvm vg0/home)", "ext4", "64-128-4"),
    Address("", "/no inode", "", "XFS", ""),
])
def test_the_member_path_reads_back(inner: Address) -> None:
    assert split_image_member(image_member(inner)) == inner
    assert split_image_member("/plain/member.jpg") is None
