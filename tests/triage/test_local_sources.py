"""Folders, loose files and archives (nested, compressed, damaged)."""

import gzip
import hashlib
import io
import os
import tarfile
import zipfile

import pytest

from safeguard.demo.media import picture_bytes
from safeguard.triage.errors import EvidenceError
from safeguard.triage.evidence import open_evidence
from safeguard.triage.evidence.directory import DirectorySource, FileSource
from safeguard.triage.examine import Examiner
from safeguard.triage.records import Address, FileEntry, FileType


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def tgz_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def examine_all(path):
    source = open_evidence(str(path))
    warnings = []
    records = []
    examiner = Examiner(("md5", "sha1"))
    for entry in source.entries(warnings.append):
        records.extend(examiner.examine(entry, warnings.append))
    return source, records, warnings


@pytest.fixture
def evidence(tmp_path):
    root = tmp_path / "seized"
    (root / "DCIM" / "100").mkdir(parents=True)
    (root / "DCIM" / "100" / "a.jpg").write_bytes(picture_bytes(1))
    (root / "DCIM" / "b.png").write_bytes(picture_bytes(2, "PNG"))
    inner = zip_bytes({"deep/c.jpg": picture_bytes(3)})
    tgz = tgz_bytes({"x/inner.zip": inner, "x/notes.txt": b"benign notes"})
    (root / "backup.zip").write_bytes(zip_bytes({"set.tar.gz": tgz, "d.jpg": picture_bytes(4)}))
    (root / "broken.zip").write_bytes(b"PK\x03\x04" + os.urandom(200))
    (root / "renamed.txt").write_bytes(picture_bytes(5))  # a JPEG whatever its name says
    (root / "lone.gz").write_bytes(gzip.compress(picture_bytes(6)))
    os.symlink("/etc", root / "link-out")
    return root


def test_it_walks_a_folder_in_stable_order_without_following_links(evidence):
    source, records, _warnings = examine_all(evidence)
    assert isinstance(source, DirectorySource)
    paths = [r.address.full_path for r in records]
    assert not any("link-out" in p or p.startswith("/etc") for p in paths)
    top = [r.address.path for r in records if not r.address.in_archive]
    assert top == [
        "/DCIM/100/a.jpg",
        "/DCIM/b.png",
        "/backup.zip",
        "/broken.zip",
        "/lone.gz",
        "/renamed.txt",
    ]


def test_it_opens_nested_archives_and_addresses_their_members(evidence):
    _, records, _warnings = examine_all(evidence)
    by_path = {r.address.full_path: r for r in records}
    deep = by_path["/backup.zip!/set.tar.gz!/x/inner.zip!/deep/c.jpg"]
    assert deep.address.archive == ("/backup.zip", "/set.tar.gz", "/x/inner.zip")
    assert deep.file_type is FileType.IMAGE
    assert deep.digests["md5"] == hashlib.md5(picture_bytes(3)).hexdigest()
    assert (
        by_path["/backup.zip!/d.jpg"].digests["sha1"] == hashlib.sha1(picture_bytes(4)).hexdigest()
    )
    assert by_path["/backup.zip!/set.tar.gz!/x/notes.txt"].file_type is FileType.OTHER
    assert by_path["/lone.gz!/lone"].digests["md5"] == hashlib.md5(picture_bytes(6)).hexdigest()
    assert by_path["/renamed.txt"].file_type is FileType.IMAGE
    # 6 top-level files + d.jpg, set.tar.gz, inner.zip, notes.txt, c.jpg + lone.gz's member
    assert len(records) == 12


def test_it_records_a_corrupt_archive_as_a_warning_and_carries_on(evidence):
    _, records, warnings = examine_all(evidence)
    broken = [w for w in warnings if "broken.zip" in str(w.address)]
    assert len(broken) == 1
    assert broken[0].stage == "archive"
    assert "corrupt zip" in broken[0].message
    assert any(r.address.path == "/renamed.txt" for r in records)


def test_it_records_a_file_that_cannot_be_read(tmp_path):
    gone = tmp_path / "gone.jpg"
    entry = FileEntry(
        address=Address(str(tmp_path), "/gone.jpg"),
        size=100,
        opener=lambda: gone.open("rb"),
        local_path=str(gone),
    )
    warnings = []
    [record] = Examiner(("md5",)).examine(entry, warnings.append)
    assert record.error.startswith("cannot read")
    assert record.digests == {}
    assert warnings[0].stage == "read" and "gone.jpg" in str(warnings[0].address)


def test_a_loose_file_is_its_own_evidence(tmp_path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(picture_bytes(9))
    source = open_evidence(str(photo))
    assert isinstance(source, FileSource)
    [entry] = list(source.entries(lambda w: None))
    assert entry.size == photo.stat().st_size


def test_a_missing_path_names_the_item(tmp_path):
    with pytest.raises(EvidenceError, match=r"nowhere\.dd: no such file"):
        open_evidence(str(tmp_path / "nowhere.dd"))


def test_encrypted_zip_members_are_reported(tmp_path):
    # A zip whose member has the "encrypted" flag set (the content is not read).
    data = bytearray(zip_bytes({"secret.jpg": b"x" * 100}))
    # Set bit 0 of the general purpose flags in both the local and central headers.
    data[6] |= 1
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 1
    path = tmp_path / "enc.zip"
    path.write_bytes(bytes(data))
    _, records, warnings = examine_all(path)
    assert [w.message for w in warnings] == ["encrypted member: content not read"]
    assert len(records) == 1  # the archive itself
