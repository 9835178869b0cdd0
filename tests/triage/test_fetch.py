"""Reading a file back by the address a triage recorded: every media row of files.csv,
from folders, zips, a tar.gz inside a zip, a partitioned FAT image (deleted files too) and
an E01, gives the bytes whose digests the triage recorded."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from safeguard.demo.diskimages import build_e01, build_fat_image, build_partitioned_image
from safeguard.demo.media import picture_bytes
from safeguard.triage.errors import EvidenceError
from safeguard.triage.evidence.fetch import (
    ContentNotFound,
    address_of,
    open_content,
    split_archive_chain,
)
from safeguard.triage.pipeline import TriageOptions, triage
from safeguard.triage.records import Address

from ..archives import tar_bytes, zip_bytes


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("fetch")
    folder = root / "folder"
    (folder / "DCIM").mkdir(parents=True)
    (folder / "DCIM" / "IMG_0001.JPG").write_bytes(picture_bytes(1))
    (folder / "odd name!").mkdir()
    (folder / "odd name!" / "p.png").write_bytes(picture_bytes(2, "PNG"))
    # "!/" along an archive chain: a zip in that folder, holding a folder "inner!".
    deep = tar_bytes({"x!.jpg": picture_bytes(5)}, "w:gz")
    (folder / "odd name!" / "chain.zip").write_bytes(zip_bytes({"inner!/deep.tar.gz": deep}))
    nested = tar_bytes({"old/scan.jpg": picture_bytes(3)}, "w:gz")
    (folder / "shared.zip").write_bytes(
        zip_bytes({"photos/p4.jpg": picture_bytes(4), "old.tar.gz": nested}))
    files = {f"DCIM/IMG_{i:04d}.JPG": picture_bytes(10 + i) for i in range(1, 4)}
    files["photos.zip"] = zip_bytes({"inside/p20.jpg": picture_bytes(20)})
    fat = build_fat_image(root / "fat.img", files, ["DCIM/IMG_0002.JPG"], fat_bits=16)
    disk = root / "disk.dd"
    build_partitioned_image(disk, [fat], scheme="mbr")
    (root / "e01").mkdir()
    e01 = build_e01(fat, root / "e01" / "fat")[0]
    return [folder, disk, e01]


@pytest.fixture(scope="module")
def rows(evidence: list[Path], tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    out = tmp_path_factory.mktemp("run")
    outcome = triage([str(path) for path in evidence],
                     TriageOptions(out_dir=out, workers=2, perceptual=None))
    assert outcome.status in (0, 4)
    with (out / "files.csv").open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["sha1"]]


def read(row: dict) -> bytes:
    address = address_of(path=row["path"], evidence=row["evidence"],
                         partition=row["partition"], filesystem=row["filesystem"],
                         inode=row["inode"], archive=row["archive"])
    with open_content(row["evidence"], address, deleted=row["deleted"] == "true") as stream:
        return stream.read()


def test_every_recorded_file_reads_back_to_its_digests(rows: list[dict]) -> None:
    kinds = {(bool(row["archive"]), row["evidence"].endswith((".dd", ".E01")),
              row["deleted"] == "true") for row in rows}
    assert (True, False, False) in kinds  # archive members in a folder
    assert (True, True, False) in kinds  # archive members in an image
    assert (False, True, True) in kinds  # deleted files in an image
    for row in rows:
        data = read(row)
        assert hashlib.sha1(data).hexdigest() == row["sha1"], row["path"]
        assert hashlib.md5(data).hexdigest() == row["md5"], row["path"]


def test_a_member_of_a_tar_inside_a_zip(rows: list[dict]) -> None:
    [row] = [r for r in rows if r["path"] == "/old/scan.jpg"]
    assert split_archive_chain(row["archive"]) == ("/shared.zip", "/old.tar.gz")
    assert read(row) == picture_bytes(3)


def test_a_folder_whose_name_holds_the_separator(rows: list[dict]) -> None:
    [row] = [r for r in rows if r["path"] == "/odd name!/p.png"]
    assert read(row) == picture_bytes(2, "PNG")


def test_names_with_the_separator_along_an_archive_chain(rows: list[dict]) -> None:
    [row] = [r for r in rows if r["path"] == "/x!.jpg"]
    assert split_archive_chain(row["archive"]) == ("/odd name!/chain.zip",
                                                   "/inner!/deep.tar.gz")
    assert Address.from_columns(row).archive == split_archive_chain(row["archive"])
    assert read(row) == picture_bytes(5)


def test_a_missing_file_is_not_found(evidence: list[Path]) -> None:
    with pytest.raises(ContentNotFound, match="folder missing"), \
            open_content(evidence[0], address_of(path="/nowhere/x.jpg")):
        pass
    with pytest.raises(ContentNotFound, match="not in the archive"), \
            open_content(evidence[0], address_of(path="/gone.jpg", archive="/shared.zip")):
        pass


def test_it_never_leaves_the_evidence_folder(evidence: list[Path]) -> None:
    for path in ("/../fetch/folder/DCIM/IMG_0001.JPG", "/DCIM/../../x"):
        with pytest.raises(ContentNotFound, match="not a path inside"), \
                open_content(evidence[0], address_of(path=path)):
            pass


def test_it_does_not_follow_a_symbolic_link(evidence: list[Path], tmp_path: Path) -> None:
    link = evidence[0] / "link"
    link.symlink_to(evidence[0] / "DCIM")
    try:
        with pytest.raises(ContentNotFound, match="is not a folder"), \
                open_content(evidence[0], address_of(path="/link/IMG_0001.JPG")):
            pass
    finally:
        link.unlink()


def test_an_unknown_partition_or_inode_is_not_found(evidence: list[Path]) -> None:
    with pytest.raises(ContentNotFound, match="no such partition"), \
            open_content(evidence[1], address_of(path="/x", partition="p9", filesystem="FAT16",
                                                 inode="5")):
        pass
    with pytest.raises(ContentNotFound, match="no inode"), \
            open_content(evidence[1], address_of(path="/x", partition="p1 (sector 2048)",
                                                 filesystem="FAT16")):
        pass


def test_missing_evidence_is_an_evidence_error(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError), open_content(tmp_path / "none.dd",
                                                    address_of(path="/a")):
        pass


def test_it_is_engine_code_without_django() -> None:
    import subprocess
    import sys

    code = ("import sys\nimport safeguard.triage.evidence.fetch\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def _image_rows(rows: list[dict], suffix: str) -> list[dict]:
    return [row for row in rows if row["evidence"].endswith(suffix) and not row["archive"]]


def test_disk_images_stay_open_between_reads(rows: list[dict], monkeypatch) -> None:
    from safeguard.triage.evidence import fetch

    fetch.close_open_images()
    opened: list[str] = []
    real = fetch.open_evidence
    monkeypatch.setattr(fetch, "open_evidence", lambda path: opened.append(path) or real(path))
    for suffix in (".dd", ".E01"):
        for row in _image_rows(rows, suffix) * 2:
            assert hashlib.sha1(read(row)).hexdigest() == row["sha1"]
    assert sorted(opened) == sorted({row["evidence"] for row in rows
                                     if row["evidence"].endswith((".dd", ".E01"))})
    # A folder is opened for each read (nothing to keep).
    folder_row = next(row for row in rows if not row["evidence"].endswith((".dd", ".E01")))
    read(folder_row)
    read(folder_row)
    assert opened.count(folder_row["evidence"]) == 2


def test_an_altered_image_is_opened_afresh(evidence: list[Path], rows: list[dict],
                                           monkeypatch) -> None:
    import os

    from safeguard.triage.evidence import fetch

    disk = str(evidence[1])
    row = _image_rows(rows, ".dd")[0]
    read(row)
    opened: list[str] = []
    real = fetch.open_evidence
    monkeypatch.setattr(fetch, "open_evidence", lambda path: opened.append(path) or real(path))
    info = os.stat(disk)
    os.utime(disk, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    assert hashlib.sha1(read(row)).hexdigest() == row["sha1"]
    assert opened == [disk]


def test_threads_read_one_open_image_correctly(rows: list[dict]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    work = (_image_rows(rows, ".E01") + _image_rows(rows, ".dd")) * 8
    with ThreadPoolExecutor(8) as pool:
        digests = list(pool.map(lambda row: hashlib.sha1(read(row)).hexdigest(), work))
    assert digests == [row["sha1"] for row in work]


def test_only_a_few_images_are_kept_open(evidence: list[Path], rows: list[dict],
                                         monkeypatch, tmp_path: Path) -> None:
    import shutil

    from safeguard.triage.evidence import fetch

    fetch.close_open_images()
    monkeypatch.setattr(fetch, "OPEN_IMAGES", 2)
    row = _image_rows(rows, ".dd")[0]
    for n in range(4):  # four copies of the image: four distinct files
        copy = tmp_path / f"copy{n}.dd"
        shutil.copyfile(evidence[1], copy)
        assert hashlib.sha1(read({**row, "evidence": str(copy)})).hexdigest() == row["sha1"]
    assert len(fetch._open_images) == 2
    fetch.close_open_images()
    assert not fetch._open_images


def test_a_member_is_not_copied_past_the_size_asked(tmp_path: Path) -> None:
    # An archive altered since the triage (here: a member of 3 MiB of zeros, a bomb in
    # miniature) is refused as the copy passes the cap, before it is read whole.
    inner = zip_bytes({"big.bin": bytes(3 * 1024 * 1024)})
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "outer.zip").write_bytes(zip_bytes({"inner.zip": inner}))
    big = address_of(path="/big.bin", archive="/outer.zip!/inner.zip")
    with pytest.raises(EvidenceError, match="more than 1,048,576 bytes"), \
            open_content(tmp_path / "case", big, max_bytes=1024 * 1024):
        pass
    with pytest.raises(EvidenceError, match="more than 1,000 bytes"), \
            open_content(tmp_path / "case", big, max_archive_bytes=1000):
        pass
    with open_content(tmp_path / "case", big, max_bytes=4 * 1024 * 1024) as stream:
        assert len(stream.read()) == 3 * 1024 * 1024
