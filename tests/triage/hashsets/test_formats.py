"""Every format passes the shared contract; the registry detects and refuses by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguard.triage.errors import HashSetError, UsageError
from safeguard.triage.hashsets import FORMATS, FormatRegistry
from safeguard.triage.hashsets.formats import CsvList, Icse, NsrlV2, NsrlV3, Sums, Vics

from .contract import HashSetFormatContract


class TestVics(HashSetFormatContract):
    FORMAT = Vics


class TestNsrlV2(HashSetFormatContract):
    FORMAT = NsrlV2


class TestNsrlV3(HashSetFormatContract):
    FORMAT = NsrlV3


class TestSums(HashSetFormatContract):
    FORMAT = Sums


class TestCsvList(HashSetFormatContract):
    FORMAT = CsvList


class TestIcse(HashSetFormatContract):
    FORMAT = Icse


def test_every_registered_format_has_a_contract_test() -> None:
    tested = {cls.FORMAT for cls in HashSetFormatContract.__subclasses__()}
    assert tested == set(FORMATS)


def test_it_refuses_duplicate_format_names() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        FormatRegistry((Sums, CsvList, Sums))


def test_it_names_the_formats_it_knows_when_asked_for_another() -> None:
    with pytest.raises(UsageError, match="nsrl-v2"):
        FORMATS.get("nsrl-v9")


def test_detection_failure_names_the_file_and_every_format(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Dear diary\n", encoding="utf-8")
    with pytest.raises(HashSetError) as caught:
        FORMATS.detect(path)
    message = str(caught.value)
    assert str(path) in message
    for fmt in FORMATS:
        assert f"{fmt.NAME}:" in message


def test_a_forced_format_that_does_not_fit_says_which(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    Sums.write_example(path)
    with pytest.raises(HashSetError, match=r"list\.txt: not a vics file"):
        FORMATS.resolve(path, "vics")
