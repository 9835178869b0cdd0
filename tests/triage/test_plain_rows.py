"""A worker writes a plain file's journal row without its FileEntry or Record
(batches._plain_row): the rows, warnings and counts of a batch must be what the examiner
writes of the same files when every one goes through `Examiner.stream`.

Files are made with the first bytes of every signature the examiner acts on (pictures,
archives, videos, containers, mail, disk images, a first sector of zeros) and of none, and
entries are given the size the walk saw or another (a file that changed since)."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.triage import batches, filetypes
from safeguard.triage.batches import Batch, BatchOutcome, ExamineSettings, examine_batch
from safeguard.triage.evidence import formats
from safeguard.triage.expansion import ExpansionLimits
from safeguard.triage.records import Address, FileEntry, Times

_OFFSET_MAGICS = [(offset, magic) for offset, magic, _type, _mime in filetypes._MAGIC] + [
    (offset, magic) for offset, magic, _name, _kind in formats._AT_OFFSET if offset < 4096
] + [
    (0, b"!BDN"), (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), (0, b"SQLite format 3\x00"),
    (0, b"%PDF-1.4\n"), (0, b"CMMM"), (0, b"From a@b.c Mon\nSubject: hi\nTo: x\n"),
    (0, b"Subject: hi\nFrom: a@b.c\nTo: x\n\nbody"), (3, b"NTFS    "), (510, b"\x55\xaa"),
    # Types sniff names by code rather than by its table: videos and pictures.
    (4, b"ftypisom"), (4, b"ftypqt  "), (4, b"ftypheic"), (0, b"RIFF\x10\x00\x00\x00AVI "),
    (0, b"RIFF\x10\x00\x00\x00WEBP"), (0, b"BM" + bytes(12) + b"\x28"),
    (0, b"\x47" + bytes(187) + b"\x47"),
]


# Random bytes behind a picture's signature: Pillow warns of their EXIF as it decodes.
_DAMAGED_PICTURES = pytest.mark.filterwarnings("ignore:Corrupt EXIF data")


@st.composite
def _content(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["noise", "planted", "zeros", "empty"]))
    if kind == "empty":
        return b""
    if kind == "zeros":
        return bytes(draw(st.integers(512, 2048))) + draw(st.binary(max_size=64))
    noise = draw(st.binary(min_size=0, max_size=3000))
    if kind == "noise":
        return noise
    offset, magic = draw(st.sampled_from(_OFFSET_MAGICS))
    head = bytearray(noise.ljust(offset + len(magic), b"\x00"))
    head[offset:offset + len(magic)] = magic
    return bytes(head)


def _batch(folder: Path, contents: list[bytes], wrong: list[bool]) -> Batch:
    batch = Batch(1, 0, str(folder))
    for i, (data, off) in enumerate(zip(contents, wrong, strict=True)):
        path = folder / f"f{i:03d}.bin"
        path.write_bytes(data)
        size = len(data) + (1 if off else 0)
        batch.add(FileEntry(Address("ev", f"/f{i:03d}.bin"), size, lambda: None,
                            Times(1_700_000_000.25 + i, 1_700_000_100.5, None, None),
                            local_path=str(path)), {})
    return batch


def _both(batch: Batch, perceptual: bool) -> tuple[BatchOutcome, BatchOutcome]:
    options = ExamineSettings(("md5", "sha1"), perceptual, ExpansionLimits())
    quick = examine_batch(batch, options)
    with mock.patch.object(batches, "_ordinary", lambda _packed: False):
        full = examine_batch(batch, options)
    return quick, full


@_DAMAGED_PICTURES
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_content(), st.booleans()), min_size=1, max_size=6), st.booleans())
def test_a_batch_journals_the_same_with_and_without_the_plain_rows(files, perceptual):
    with tempfile.TemporaryDirectory() as folder:
        batch = _batch(Path(folder), [c for c, _ in files], [w for _, w in files])
        quick, full = _both(batch, perceptual)
    assert quick.rows == full.rows
    assert quick.warnings == full.warnings
    assert (quick.examined, quick.skipped, quick.nbytes) == (
        full.examined, full.skipped, full.nbytes)


@_DAMAGED_PICTURES
@pytest.mark.parametrize("perceptual", [False, True])
def test_every_signature_journals_the_same_with_and_without_the_plain_rows(
        tmp_path: Path, perceptual: bool) -> None:
    """Every planted signature once, in one batch: what the random test may miss."""
    contents = []
    for offset, magic in _OFFSET_MAGICS:
        head = bytearray(os.urandom(max(600, offset + len(magic) + 64)))
        head[offset:offset + len(magic)] = magic
        contents.append(bytes(head))
    contents += [b"", bytes(1024)]
    quick, full = _both(_batch(tmp_path, contents, [False] * len(contents)), perceptual)
    assert quick.rows == full.rows
    assert quick.warnings == full.warnings


def test_plain_files_take_the_quick_way_and_the_rest_the_examiner(tmp_path: Path) -> None:
    """The quick way is taken (the test above would pass if it never were), and an
    archive still has its members examined."""
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("inside.txt", "benign text")
    contents = [os.urandom(300), b"plain text\n" * 20, archive.read_bytes()]
    batch = _batch(tmp_path, contents, [False, False, False])
    with mock.patch.object(batches, "plain_row", wraps=batches.plain_row) as plain:
        quick, full = _both(batch, perceptual=False)
    assert plain.call_count == 2  # the two plain files, not the archive
    assert quick.rows == full.rows
    assert len(quick.rows) == 4  # three files and the archive's member


def test_a_large_plain_file_reports_its_bytes_as_it_is_read(tmp_path: Path) -> None:
    """The progress bar moves through a large file: its bytes leave in parts, chunk by
    chunk, before its row, and add up to its size once."""
    data = os.urandom(3 * batches.CHUNK_SIZE + 5)
    batch = _batch(tmp_path, [data], [False])
    parts: list[BatchOutcome] = []
    options = ExamineSettings(("md5", "sha1"), False, ExpansionLimits())
    with mock.patch.object(batches, "PART_SECONDS", 0.0):
        final = examine_batch(batch, options, parts.append)
    assert [p.nbytes for p in parts if not p.rows][:3] == [batches.CHUNK_SIZE] * 3
    assert sum(p.nbytes for p in [*parts, final]) == len(data)
    assert sum(len(p.rows) for p in [*parts, final]) == 1
    with mock.patch.object(batches, "_ordinary", lambda _packed: False):
        full = examine_batch(batch, options)
    assert [*(r for p in parts for r in p.rows), *final.rows] == full.rows
