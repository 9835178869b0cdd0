"""The contract every hash-set format passes, run on the example the format carries.

class TestVics(HashSetFormatContract):
    FORMAT = Vics
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import pytest

from safeguard.triage.errors import HashSetError, NotThisFormat
from safeguard.triage.hashsets import FORMATS, HashSetFormat, HashSetStore

# The `write` fixture: write("name.csv", text) → the path of a new file holding it.
Writer = Callable[[str, str | bytes], Path]


def _other(hex_digest: str) -> str:
    """A digest of the same kind that differs in its last character."""
    last = "0" if hex_digest[-1] != "0" else "1"
    return hex_digest[:-1] + last


class HashSetFormatContract:
    FORMAT: ClassVar[type[HashSetFormat]]

    @pytest.fixture
    def example(self, tmp_path: Path) -> Path:
        path = tmp_path / f"example{self.FORMAT.EXAMPLE_SUFFIX}"
        self.FORMAT.write_example(path)
        return path

    def test_it_is_registered_under_its_name(self) -> None:
        assert FORMATS.get(self.FORMAT.NAME) is self.FORMAT

    def test_it_sniffs_its_example(self, example: Path) -> None:
        self.FORMAT.sniff(example)

    def test_auto_detection_chooses_it_for_its_example(self, example: Path) -> None:
        assert FORMATS.detect(example) is self.FORMAT

    def test_it_refuses_a_file_of_prose(self, tmp_path: Path) -> None:
        prose = tmp_path / f"prose{self.FORMAT.EXAMPLE_SUFFIX}"
        prose.write_text("hello world\nnothing to see here\n", encoding="utf-8")
        with pytest.raises(NotThisFormat):
            self.FORMAT.sniff(prose)

    def test_it_imports_its_example(self, store: HashSetStore, example: Path) -> None:
        info = store.import_file(example, "example", "known-bad")
        assert info.format == self.FORMAT.NAME
        assert info.entries == self.FORMAT.EXAMPLE_ENTRIES
        assert info.skipped == 0
        assert {d for d, _ in self.FORMAT.EXAMPLE_HITS} <= set(info.digests)

    def test_it_finds_every_example_digest_in_either_case(
        self, store: HashSetStore, example: Path
    ) -> None:
        store.import_file(example, "example", "known-bad")
        with store.open("example") as hs:
            for digest, value in self.FORMAT.EXAMPLE_HITS:
                rows = hs.lookup(digest, [value.lower(), value.upper()])
                assert rows[0] >= 0, (digest, value)
                assert rows[0] == rows[1]

    def test_it_misses_digests_not_in_the_example(self, store: HashSetStore, example: Path) -> None:
        store.import_file(example, "example", "known-bad")
        with store.open("example") as hs:
            for digest, value in self.FORMAT.EXAMPLE_HITS:
                assert hs.lookup(digest, [_other(value)]).tolist() == [-1]

    def test_its_first_hit_carries_the_example_entry(
        self, store: HashSetStore, example: Path
    ) -> None:
        store.import_file(example, "example", "known-bad")
        digest, value = self.FORMAT.EXAMPLE_HITS[0]
        with store.open("example") as hs:
            row = int(hs.lookup(digest, [value])[0])
            assert hs.entry(row) == self.FORMAT.EXAMPLE_ENTRY

    def test_a_forced_import_of_prose_names_the_file(
        self, store: HashSetStore, tmp_path: Path
    ) -> None:
        prose = tmp_path / f"prose{self.FORMAT.EXAMPLE_SUFFIX}"
        prose.write_text("hello world\n", encoding="utf-8")
        with pytest.raises(HashSetError, match=r"prose"):
            store.import_file(prose, "prose", "known-bad", fmt=self.FORMAT.NAME)
        assert store.list() == []

    def test_an_empty_file_is_refused_by_name(self, store: HashSetStore, tmp_path: Path) -> None:
        empty = tmp_path / f"empty{self.FORMAT.EXAMPLE_SUFFIX}"
        empty.write_bytes(b"")
        with pytest.raises(HashSetError, match=r"empty.*empty"):
            store.import_file(empty, "empty", "known-bad", fmt=self.FORMAT.NAME)
