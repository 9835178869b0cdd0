"""Every file system's files, live and deleted, against The Sleuth Kit's own command-line
tools (`fls -r -p` lists, `icat` recovers), on images whose files were deleted by each
file system's own tools: mtools on FAT, debugfs on ext4, the NTFS driver (ntfs-3g) on NTFS
(tests/data/ntfs-deleted.raw.gz; scripts/make-ntfs-deleted-fixture.sh made it, since
NTFS cannot be changed without mounting). Also the image layouts the forensic review
found read wrongly: a partition past the end, split raw sets counted from .000."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from safeguard.triage.errors import EvidenceError
from safeguard.triage.evidence.tsk import RawImageSource
from safeguard.triage.records import FileEntry, TriageWarning

NTFS_FIXTURE = Path(__file__).parents[2] / "data" / "ntfs-deleted.raw.gz"


@pytest.fixture(scope="session")
def ntfs_deleted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ntfs") / "ntfs-deleted.raw"
    path.write_bytes(gzip.decompress(NTFS_FIXTURE.read_bytes()))
    return path


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} not found: install the Debian package sleuthkit"
    return found


def tsk_files(image: Path, offset: int = 0) -> dict[tuple[str, bool], str]:
    """{(path, deleted): SHA-1} of every regular file fls lists that icat can read, leaving
    out what is not a user file (orphans found without a name, NTFS system files, FAT's
    volume label) and names whose metadata now belongs to another file."""
    args = ["-o", str(offset // 512)] if offset else []
    listing = subprocess.run([tool("fls"), *args, "-r", "-p", str(image)], capture_output=True,
                             text=True, check=True).stdout
    found: dict[tuple[str, bool], str] = {}
    for line in listing.splitlines():
        kind, _, name = line.partition("\t")
        # "r/r": a regular file; "-/r": its name's type is gone (deleted on NTFS).
        if not kind.split()[0].endswith("/r") or "(realloc)" in kind:
            continue
        if name.startswith("$") or "/$" in name or name.endswith("(Volume Label Entry)"):
            continue
        address = kind.split()[-1].rstrip(":")
        if address.split("-")[0] == "0":
            continue  # a name with no metadata at all
        data = subprocess.run([tool("icat"), *args, str(image), address], capture_output=True,
                              check=True).stdout
        found[("/" + name, "*" in kind)] = hashlib.sha1(data).hexdigest()
    return found


def ours(image: Path) -> tuple[dict[tuple[str, bool], str], list[TriageWarning]]:
    source = RawImageSource.open(image, "EX1")
    warnings: list[TriageWarning] = []
    found: dict[tuple[str, bool], str] = {}
    try:
        for entry in source.entries(warnings.append):
            if entry.address.path.startswith("/$OrphanFiles"):
                continue
            found[(entry.address.path, entry.deleted)] = sha1(entry)
    finally:
        source.close()
    return found, warnings


def sha1(entry: FileEntry) -> str:
    with entry.opener() as stream:
        return hashlib.sha1(stream.read()).hexdigest()


@pytest.mark.parametrize("fixture", ["fat12_image", "fat16_image", "fat32_image",
                                     "ext4_image", "ntfs_deleted"])
def test_live_and_deleted_files_match_fls_and_icat(fixture: str,
                                                   request: pytest.FixtureRequest) -> None:
    image = request.getfixturevalue(fixture)
    theirs = tsk_files(image)
    mine, warnings = ours(image)
    assert warnings == []
    assert any(deleted for _, deleted in theirs), "the image should hold deleted files"
    assert mine == theirs


def test_ntfs_files_deleted_by_the_driver_are_reported(ntfs_deleted: Path) -> None:
    mine, _ = ours(ntfs_deleted)
    deleted = sorted(path for path, is_deleted in mine if is_deleted)
    assert deleted == ["/dir/stay.txt", "/dir/sub/deep.jpg", "/gone.txt", "/pic.jpg"]
    assert ("/keep.jpg", False) in mine


def partitioned_past_the_end(tmp_path: Path, fat16_image: Path, scheme: str,
                             keep_first: bool = True) -> Path:
    """A 200 MiB disk whose table holds a FAT partition at sector 2048 and a second one at
    sector 300000, cut to 24 MiB: the second lies wholly past the end."""
    image = tmp_path / f"{scheme}.raw"
    with open(image, "wb") as f:
        f.truncate(200 * 1024 * 1024)
    fat_sectors = fat16_image.stat().st_size // 512
    first = f"start=2048, size={fat_sectors}, type={'c' if scheme == 'dos' else 'L'}\n"
    table = f"label: {scheme}\n{first if keep_first else ''}start=300000, size=1000, type=L\n"
    subprocess.run(["sfdisk", "-q", str(image)], input=table, text=True, check=True)
    with open(image, "r+b") as f:
        f.seek(2048 * 512)
        f.write(fat16_image.read_bytes())
        f.truncate(24 * 1024 * 1024)
    return image


@pytest.mark.parametrize("scheme", ["dos", "gpt"])
def test_a_partition_past_the_end_leaves_the_others_readable(scheme: str, fat16_image: Path,
                                                              tmp_path: Path) -> None:
    image = partitioned_past_the_end(tmp_path, fat16_image, scheme)
    source = RawImageSource.open(image, "DISK")
    warnings: list[TriageWarning] = []
    entries = list(source.entries(warnings.append))
    assert {e.address.partition for e in entries} == {"p1 (sector 2048)"}
    assert {e.address.filesystem for e in entries} == {"FAT16"}
    whole, _ = ours(fat16_image)
    assert {(e.address.path, e.deleted) for e in entries} == set(whole)
    [warning] = warnings
    assert str(warning.address) == "DISK › p2 (sector 300000)"
    assert "beyond the end of the image" in warning.message
    source.close()


def test_an_image_whose_only_partition_is_past_the_end_is_an_error(fat16_image: Path,
                                                                   tmp_path: Path) -> None:
    image = partitioned_past_the_end(tmp_path, fat16_image, "dos", keep_first=False)
    with pytest.raises(EvidenceError, match="beyond the end"):
        RawImageSource.open(image, "DISK")


@pytest.mark.parametrize("named", [0, 1])
def test_a_split_set_counted_from_000_is_one_image_whichever_piece_is_named(
    named: int, fat16_image: Path, tmp_path: Path
) -> None:
    data = fat16_image.read_bytes()
    third = len(data) // 3
    pieces = [tmp_path / f"card.{i:03d}" for i in range(3)]
    for i, piece in enumerate(pieces):
        piece.write_bytes(data[i * third: (i + 1) * third if i < 2 else None])
    source = RawImageSource.open(pieces[named], "EX1")
    info = source.describe(lambda w: None)
    assert info.size == len(data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.detail["segments"] == ["card.000", "card.001", "card.002"]
    assert source.files() == pieces
    whole, _ = ours(fat16_image)
    assert {(e.address.path, e.deleted) for e in source.entries(lambda w: None)} == set(whole)
    source.close()
