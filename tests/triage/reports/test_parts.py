"""The reports of a large run, written in parts by processes side by side
(reports/parts.py), are those of one pass, byte for byte: on the demo case (known-bad
pictures matched exactly and by PDQ, near-duplicate groups, a known-good set, deleted
files, carving) with thumbnail caches whose originals are kept or gone, a document's
pictures and a damaged mailbox (a warning), cut into 2, 3 and 7 parts."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from itertools import pairwise
from pathlib import Path

import pytest

from safeguard.demo.media import encode, picture_bytes, synthetic_picture
from safeguard.triage import HashSetStore, TriageOptions, read_run, reporting, triage
from safeguard.triage.hashsets.entries import EntryReader, EntryWriter
from safeguard.triage.hashsets.model import HashEntry
from safeguard.triage.journal import Journal
from safeguard.triage.reports import parts as reports_in_parts

from ..embedded import builders
from ..same_reports import assert_same_reports

EVIDENCE = ("usb-stick.dd", "laptop.E01", "shared-folder.zip")
SIZE = (320, 240)


def _thumb(seed: int) -> bytes:
    return encode(synthetic_picture(seed, SIZE).resize((96, 72)), "JPEG", quality=80)


@pytest.fixture(scope="module")
def examined(demo_case: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo case and a folder of thumbnail caches, a document and a damaged mailbox,
    triaged once, carving included: the run's journal is re-reported below."""
    extras = demo_case / "extras"
    (extras / "Pictures").mkdir(parents=True, exist_ok=True)
    (extras / "Pictures" / "kept.jpg").write_bytes(picture_bytes(73, "JPEG", SIZE))
    (extras / "Pictures" / "Thumbs.db").write_bytes(
        builders.thumbs_db({"kept.jpg": _thumb(73), "gone.jpg": _thumb(71)}))
    (extras / "thumbcache_256.db").write_bytes(builders.thumbcache([_thumb(73), _thumb(72)]))
    (extras / "report.docx").write_bytes(
        builders.docx({"image1.jpeg": picture_bytes(74, "JPEG", SIZE)}))
    (extras / "broken.pst").write_bytes(b"!BDN" + b"\x00" * 2000)
    out = tmp_path_factory.mktemp("parts") / "run"
    outcome = triage(_evidence(demo_case), _options(demo_case, out))
    summary = outcome.summary
    assert summary.exact and summary.perceptual and summary.known_good
    assert summary.thumbnails_original_not_found and summary.embedded and outcome.warnings
    return out


def _evidence(demo_case: Path) -> list[str]:
    return [*(str(demo_case / "evidence" / name) for name in EVIDENCE),
            str(demo_case / "extras")]


def _options(demo_case: Path, out: Path, *, resume: bool = False) -> TriageOptions:
    store = HashSetStore(demo_case / "home" / "hashsets")
    return TriageOptions(out_dir=out, hashsets=[store.open("demo-vics"), store.open("demo-nsrl")],
                         case_number="DEMO-0001", carve=True, resume=resume)


def _reported(demo_case: Path, examined: Path, out: Path, parts: int,
              monkeypatch: pytest.MonkeyPatch) -> Path:
    """The examined run's reports written again (a resumed run with nothing left to
    examine) in `parts` parts."""
    shutil.copytree(examined, out)
    monkeypatch.setattr(reporting, "part_count", lambda records, options: parts)
    # A part's media go back to this process through a file, a batch at a time: several.
    monkeypatch.setattr(reports_in_parts, "MEDIA_BATCH", 3)
    triage(_evidence(demo_case), _options(demo_case, out, resume=True))
    return out


@pytest.mark.parametrize("parts", [2, 3, 7])
def test_reports_in_parts_are_those_of_one_pass(
        demo_case: Path, examined: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        parts: int) -> None:
    one = _reported(demo_case, examined, tmp_path / "one", 1, monkeypatch)
    many = _reported(demo_case, examined, tmp_path / "many", parts, monkeypatch)
    assert_same_reports(many, one)
    assert read_run(many).summary == read_run(one).summary
    assert not list(many.glob(".files.csv.part*")), "a part file was left behind"


def test_the_journal_is_cut_into_parts_of_nearly_equal_length(examined: Path) -> None:
    journal = Journal(examined / "journal.sqlite", readonly=True)
    keys = [key for key, in journal.db.execute("SELECT key FROM records ORDER BY key")]
    for parts in (1, 2, 3, len(keys), len(keys) + 5):
        bounds = journal.part_bounds(parts, len(keys))
        assert bounds[0] is None and bounds[-1] is None
        cut = [[k for k in keys if (first is None or k >= first) and (end is None or k < end)]
               for first, end in pairwise(bounds)]
        assert [k for part in cut for k in part] == keys
        assert len(cut) == min(parts, len(keys))
        assert max(map(len, cut)) - min(map(len, cut)) <= -(-len(keys) // min(parts, len(keys)))


def test_a_run_small_for_its_machine_is_reported_in_one_pass(examined: Path) -> None:
    journal = Journal(examined / "journal.sqlite", readonly=True)
    options = TriageOptions(out_dir=examined, workers=8)
    assert reporting.part_count(journal.count(), options) == 1  # far fewer than PART_RECORDS


def _read_in_child(reader: EntryReader, conn: object) -> None:
    conn.send((reader.get(3).category, reader._con is not None))  # type: ignore[attr-defined]


def test_a_hash_set_read_in_a_forked_process_has_a_connection_of_its_own(
        tmp_path: Path) -> None:
    path = tmp_path / "entries.sqlite"
    writer = EntryWriter(path)
    writer.add(0, [HashEntry(category=f"C{n}") for n in range(5)])
    writer.close()
    reader = EntryReader(path, "a set")
    assert reader.get(3).category == "C3"
    parents = reader._con
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    child = context.Process(target=_read_in_child, args=(reader, theirs))
    child.start()
    assert ours.recv() == ("C3", True)
    child.join()
    # The parent's connection is untouched and still answers.
    assert reader._con is parents
    assert reader.get(4).category == "C4"


_WRITE_PART = reports_in_parts._write_part


def _dies_on_the_second(number: int) -> object:
    if number == 1:
        os._exit(9)  # as the kernel's out-of-memory killer would end it
    return _WRITE_PART(number)


def test_a_part_whose_process_dies_is_written_in_one_pass_instead(
        demo_case: Path, examined: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    one = _reported(demo_case, examined, tmp_path / "one", 1, monkeypatch)
    # The pool finds the function by its module and name: this module's, in the fork.
    monkeypatch.setattr(reports_in_parts, "_write_part", _dies_on_the_second)
    many = _reported(demo_case, examined, tmp_path / "many", 3, monkeypatch)
    assert_same_reports(many, one)
    assert not list(many.glob(".*.part*")), "a part file was left behind"
