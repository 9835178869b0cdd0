"""The contract every evidence source passes, run on the kinds of evidence it reads.

class TestEwfSource(SourceContract):
    SOURCE = EwfSource
    EXAMPLES = ("fat16_e01", "split_e01")     # fixture names

Besides walking and describing, a source says whether it digests itself, estimates the
bytes of its walk (or None), opens an item again at the address a triage recorded, and
whether it is worth keeping open (base.py). A source class that has no contract test here
fails `test_every_source_class_has_a_contract_test`, wherever it is defined.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import importlib
import inspect
import lzma
import pkgutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar

import pytest

import safeguard.triage.evidence as evidence_package
from safeguard.demo.media import picture_bytes
from safeguard.triage import (
    Address,
    ContentNotFound,
    EvidenceError,
    TriageOptions,
    open_content,
    read_run,
    triage,
)
from safeguard.triage.evidence import Source, open_evidence
from safeguard.triage.evidence.containers import ContainerSource, RecognisedSource
from safeguard.triage.evidence.directory import DirectorySource, FileSource
from safeguard.triage.evidence.ewf import EwfSource
from safeguard.triage.evidence.tsk import RawImageSource
from safeguard.triage.evidence.ufdr import UfdrSource
from safeguard.triage.records import FileEntry, TriageWarning

from ...archives import tar_bytes, zip_bytes

MEMBERS = {"DCIM/a.jpg": picture_bytes(1), "odd!/b c.png": picture_bytes(2, "PNG")}
# Each archive kind the examiner opens, as a loose file of evidence.
LOOSE = {
    "loose_jpeg": ("photo.jpg", lambda: picture_bytes(3)),
    "loose_zip": ("shared.zip", lambda: zip_bytes(MEMBERS)),
    "loose_tar": ("backup.tar", lambda: tar_bytes(MEMBERS)),
    "loose_tar_gz": ("backup.tar.gz", lambda: tar_bytes(MEMBERS, "w:gz")),
    "loose_tar_bz2": ("backup.tar.bz2", lambda: tar_bytes(MEMBERS, "w:bz2")),
    "loose_tar_xz": ("backup.tar.xz", lambda: tar_bytes(MEMBERS, "w:xz")),
    "loose_gz": ("photo.jpg.gz", lambda: gzip.compress(picture_bytes(4))),
    "loose_bz2": ("photo.jpg.bz2", lambda: bz2.compress(picture_bytes(5))),
    "loose_xz": ("photo.jpg.xz", lambda: lzma.compress(picture_bytes(6))),
    # Recognised, never opened (its contents are not examined): still one item.
    "loose_7z": ("archive.7z", lambda: b"7z\xbc\xaf\x27\x1c" + bytes(64)),
    # A nested chain: a zip holding a tar.gz holding a zip.
    "loose_nested": ("outer!.zip", lambda: zip_bytes({
        "inner!/set.tar.gz": tar_bytes({"deep.zip": zip_bytes(MEMBERS)}, "w:gz")})),
}


@pytest.fixture(scope="module")
def loose(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("loose")
    made = {}
    for name, (file_name, data) in LOOSE.items():
        (root / name).mkdir()
        path = root / name / file_name
        path.write_bytes(data())
        made[name] = path
    return made


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("folder") / "seized folder"
    (root / "DCIM" / "100CANON").mkdir(parents=True)
    (root / "DCIM" / "100CANON" / "IMG_0001.JPG").write_bytes(picture_bytes(7))
    (root / "odd name!").mkdir()
    (root / "odd name!" / "set.tar.gz").write_bytes(tar_bytes(MEMBERS, "w:gz"))
    (root / "shared.zip").write_bytes(zip_bytes({"x!/deep.zip": zip_bytes(MEMBERS)}))
    (root / "empty.dat").write_bytes(b"")
    return root


@pytest.fixture(scope="module")
def split_raw(tmp_path_factory: pytest.TempPathFactory, mbr_image: Path) -> Path:
    """The partitioned image cut into three numbered pieces, as dd and split make them."""
    data = mbr_image.read_bytes()
    root = tmp_path_factory.mktemp("split")
    third = -(-len(data) // 3)
    for number in range(3):
        (root / f"disk.{number + 1:03d}").write_bytes(data[number * third:(number + 1) * third])
    return root / "disk.001"


@pytest.fixture
def example(request: pytest.FixtureRequest, loose: dict[str, Path]) -> Path:
    name = str(request.param)
    if name in loose:
        return loose[name]
    value = request.getfixturevalue(name)
    return Path(value[0] if isinstance(value, list) else value)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    cls = metafunc.cls
    if cls is not None and issubclass(cls, SourceContract) and "example" in metafunc.fixturenames:
        metafunc.parametrize("example", cls.EXAMPLES, indirect=True)


def walk(source: Source) -> tuple[list[FileEntry], list[TriageWarning]]:
    warnings: list[TriageWarning] = []
    return list(source.entries(warnings.append)), warnings


def read_entry(entry: FileEntry) -> bytes | type[EvidenceError]:
    """The entry's content, or EvidenceError when it cannot be read (deleted, gone)."""
    try:
        with entry.opener() as stream:
            return stream.read()
    except EvidenceError:
        return EvidenceError


def read_item(source: Source, entry: FileEntry) -> bytes | type[EvidenceError]:
    try:
        with source.open_item(entry.address, deleted=entry.deleted) as stream:
            return stream.read()
    except EvidenceError:
        return EvidenceError


class SourceContract:
    SOURCE: ClassVar[type[Source]]
    EXAMPLES: ClassVar[tuple[str, ...]]

    @pytest.fixture
    def source(self, example: Path) -> Iterator[Source]:
        opened = open_evidence(str(example))
        yield opened
        opened.close()

    def test_the_registry_opens_its_evidence_as_this_source(self, source: Source) -> None:
        assert type(source) is self.SOURCE

    def test_it_walks_the_same_entries_each_time_under_its_label(
        self, source: Source, example: Path
    ) -> None:
        first, _ = walk(source)
        again, _ = walk(source)
        assert first, "an example with nothing in it tests nothing"
        assert [e.address for e in first] == [e.address for e in again]
        assert {e.address.evidence for e in first} == {str(example)}

    def test_it_describes_itself(self, source: Source, example: Path) -> None:
        warnings: list[TriageWarning] = []
        info = source.describe(warnings.append)
        assert info.kind == self.SOURCE.NAME
        assert info.path == str(example)
        assert not warnings

    def test_a_self_digesting_source_is_one_item_the_whole_evidence(
        self, source: Source, example: Path
    ) -> None:
        entries, _ = walk(source)
        if source.SELF_DIGESTING:
            assert [e.size for e in entries] == [example.stat().st_size]
            assert source.describe(lambda w: None).sha256 == ""  # its entry's record has it

    def test_its_estimate_is_unknown_or_the_bytes_of_its_walk(self, source: Source) -> None:
        entries, _ = walk(source)
        estimate = source.estimate()
        assert estimate is None or estimate == sum(e.size for e in entries)

    def test_it_opens_each_item_at_its_address(self, source: Source) -> None:
        entries, _ = walk(source)
        for entry in entries:
            assert read_item(source, entry) == read_entry(entry), entry.address

    def test_an_address_it_does_not_hold_is_not_found(self, source: Source) -> None:
        entries, _ = walk(source)
        known = entries[0].address
        missing = Address(known.evidence, "/no such folder/no such file.jpg", known.partition,
                          known.filesystem, inode="987654321")
        with pytest.raises(ContentNotFound):
            source.open_item(missing).close()

    def test_a_source_kept_open_serves_threads_at_once(self, source: Source) -> None:
        if not source.KEEP_OPEN:
            return
        entries = [e for e in walk(source)[0] if not e.deleted] * 4
        with ThreadPoolExecutor(4) as pool:
            read = list(pool.map(lambda entry: read_item(source, entry), entries))
        assert read == [read_entry(entry) for entry in entries]

    def test_every_item_a_triage_records_reads_back(self, example: Path, tmp_path: Path) -> None:
        """What the review does: each row's address, read again through open_content,
        gives the bytes whose digests the triage recorded (archive members included)."""
        triage([str(example)], TriageOptions(out_dir=tmp_path / "out", workers=2,
                                             perceptual=None))
        rows = [row for row in read_run(tmp_path / "out").rows() if row["sha1"]]
        assert rows
        for row in rows:
            with open_content(example, Address.from_columns(row),
                              deleted=row["deleted"] == "true") as stream:
                assert hashlib.sha1(stream.read()).hexdigest() == row["sha1"], row["path"]


class TestDirectorySource(SourceContract):
    SOURCE = DirectorySource
    EXAMPLES = ("folder",)


class TestFileSource(SourceContract):
    SOURCE = FileSource
    EXAMPLES = tuple(LOOSE)


class TestRawImageSource(SourceContract):
    SOURCE = RawImageSource
    EXAMPLES = ("fat16_image", "ext4_image", "mbr_image", "gpt_image", "split_raw",
                "xfs_image", "lvm_image", "lvm_in_mbr", "ntfs_streams_image")


class TestEwfSource(SourceContract):
    SOURCE = EwfSource
    EXAMPLES = ("fat16_e01", "split_e01")


class TestContainerSource(SourceContract):
    SOURCE = ContainerSource
    EXAMPLES = ("qcow2_child", "vmdk_split", "vhdx_disk")  # fixtures in conftest.py


class TestUfdrSource(SourceContract):
    SOURCE = UfdrSource
    EXAMPLES = ("ufdr_report",)


class TestRecognisedSource(SourceContract):
    SOURCE = RecognisedSource
    EXAMPLES = ("apfs_header", "luks2_volume")


def _concrete_sources() -> set[type[Source]]:
    # Every module of the evidence package, registered or not, so that a new source is
    # found wherever it is defined.
    for module in pkgutil.walk_packages(evidence_package.__path__,
                                        evidence_package.__name__ + "."):
        importlib.import_module(module.name)
    found: set[type[Source]] = set()
    pending = list(Source.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not inspect.isabstract(cls) and cls.__module__.startswith("safeguard."):
            found.add(cls)
    return found


def test_every_source_class_has_a_contract_test() -> None:
    tested = {cls.SOURCE for cls in SourceContract.__subclasses__()}
    assert _concrete_sources() == tested


def test_every_source_class_is_registered() -> None:
    assert _concrete_sources() == set(evidence_package._registry())
