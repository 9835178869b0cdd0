"""One codec for an address in files.csv, both ways: what the writer joins, every reader
(read_run, the web import, the review's read-back) cuts at the same places, whatever the
names hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.triage import (
    FIELDNAMES,
    Address,
    Digest,
    FileType,
    Match,
    Record,
    address_of,
    join_archive_chain,
    read_files_csv,
    record_from_row,
    split_archive_chain,
)
from safeguard.triage.records import ADDRESS_COLUMNS, Times
from safeguard.triage.reports import CsvReport

ADDRESSES = [
    Address("EX1", "/DCIM/IMG_0001.JPG"),
    Address("usb stick.dd", "/My Pictures/a b.jpg", partition="p1 (sector 2048)",
            filesystem="FAT16", inode="12"),
    # A member named with "!", in a zip whose own name ends in "!".
    Address("/evidence/folder", "/photos!/p!.jpg", archive=("/odd name!/shared.zip!",)),
    # A folder whose name ends in "!" inside an archive of the chain: "!/" within a path.
    Address("disk.E01", "/scan.jpg", partition="p2", filesystem="NTFS", inode="5-128-1",
            archive=("/Users/x!/backup.zip", "/old!/set.tar.gz", "/inner!!/a.zip")),
    Address("ex › 2", "/a › b/ç 写真 🙂.png", archive=("/z › y.zip",)),
    Address("EX1", "/x!//y.jpg", archive=("/a!//b.zip", "/!/c.tar")),
]
# A name that was not decodable (a lone surrogate) is written as the visible text "\udcff".
UNDECODABLE = Address("EX1", "/\udcff.jpg", archive=("/\udcfe.zip",))


@pytest.mark.parametrize("address", [*ADDRESSES, UNDECODABLE], ids=repr)
def test_an_address_round_trips_through_its_columns(address: Address) -> None:
    columns = address.columns()
    assert tuple(columns) == ADDRESS_COLUMNS
    assert Address.from_columns(columns) == address
    assert address_of(**columns) == address


# A path of the chain: "/" then a name that does not begin with "/" (as every source and
# archive reader makes them), holding anything else, "!" and "/" included.
_PATH = st.builds(lambda first, rest: "/" + first + rest,
                  st.characters(blacklist_characters="/", blacklist_categories=("Cs",)),
                  st.text(alphabet=st.sampled_from("ab!/ ›é")))


@given(st.lists(_PATH, max_size=5))
def test_any_archive_chain_round_trips(chain: list[str]) -> None:
    assert split_archive_chain(join_archive_chain(tuple(chain))) == tuple(chain)


def test_the_column_is_the_plain_join_unless_a_path_holds_bang_slash() -> None:
    assert join_archive_chain(("/backup.zip", "/set.tar.gz")) == "/backup.zip!/set.tar.gz"
    assert join_archive_chain(("/a!.zip", "/b")) == "/a!.zip!/b"
    assert join_archive_chain(("/x!/y.zip", "/m")) == "/x!//y.zip!/m"


def test_columns_written_before_the_escape_read_as_they_did() -> None:
    """Every archive column an earlier engine wrote without "!/" inside a path reads
    back as the chain it meant."""
    assert split_archive_chain("/shared.zip!/old.tar.gz") == ("/shared.zip", "/old.tar.gz")
    assert split_archive_chain("/a.zip!!/b") == ("/a.zip!", "/b")
    assert split_archive_chain("") == ()


def _record(address: Address, **fields: object) -> Record:
    values: dict[str, object] = dict(
        size=1234, file_type=FileType.IMAGE, mime="image/jpeg",
        times=Times(modified=1_700_000_000.25, accessed=None, changed=1_700_000_001.0,
                    created=None),
        digests={"md5": "a" * 32, "sha1": "b" * 40, "sha256": "c" * 64},
        known_good=False, hashset="demo", category="A", series="s", distributed=True,
        victim_identified=False, match=Match.PERCEPTUAL, distance=9, error="",
        pdq="d" * 64, pdq_quality=88, group="G00001", shared_location=True)
    values.update(fields)
    return Record(address=address, **values)  # type: ignore[arg-type]


def test_records_round_trip_through_files_csv(tmp_path: Path) -> None:
    records = [_record(address, deleted=i % 2 == 1, carved=i == 2)
               for i, address in enumerate(ADDRESSES)]
    records.append(_record(Address("EX1", "/notes.txt"), file_type=FileType.OTHER,
                           match=Match.NONE, distance=None, pdq="", pdq_quality=None,
                           digests={}, error="cannot read: gone", group=""))
    records.append(_record(UNDECODABLE))
    path = tmp_path / "files.csv"
    with CsvReport(path) as out:
        for record in records:
            out.write(record)
    rows = list(read_files_csv(path))
    assert [tuple(row) for row in rows] == [FIELDNAMES] * len(records)
    back = [record_from_row(row) for row in rows]
    assert back.pop().address == Address("EX1", "/\\udcff.jpg", archive=("/\\udcfe.zip",))
    records.pop()
    for original, read in zip(records, back, strict=True):
        for name in ("address", "size", "file_type", "times", "deleted", "carved", "digests",
                     "mime", "known_good", "hashset", "category", "series", "distributed",
                     "victim_identified", "match", "distance", "error", "pdq", "pdq_quality",
                     "group", "shared_location"):
            assert getattr(read, name) == getattr(original, name), (name, original.address)


def test_warnings_keep_their_address_through_the_journal(tmp_path: Path) -> None:
    from safeguard.triage import Journal, TriageWarning

    warnings = [TriageWarning(address, "read", f"problem {i}")
                for i, address in enumerate(ADDRESSES)]
    journal = Journal(tmp_path / "journal.sqlite")
    try:
        journal.commit([], warnings)
        # A journal from before warnings kept their address held the address's text.
        journal.db.execute("INSERT INTO warnings VALUES (?, ?, ?)",
                           ("EX9 › p1 › /old.jpg".encode(), b"read", b"old"))
        back = journal.warnings()
    finally:
        journal.close()
    by_message = {w.message: w.address for w in back}
    assert [by_message[w.message] for w in warnings] == [w.address for w in warnings]
    assert by_message["old"].evidence == "EX9"
    assert str(by_message["old"]) == "EX9 › p1 › /old.jpg"


def test_records_round_trip_through_the_journal_whatever_orjson_refuses(
        tmp_path: Path) -> None:
    """A row is written by orjson unless it refuses (a name that is not UTF-8, a size past
    64 bits), then by json; rows json wrote before orjson read back the same."""
    import json

    from safeguard.triage import Journal
    from safeguard.triage.journal import record_to_dict

    def record(address: Address, size: int) -> Record:
        return Record(address=address, size=size, file_type=FileType.IMAGE,
                      mime="image/jpeg", times=Times(1.5e9, None, -1.25, 0.0),
                      digests={Digest.MD5: "0" * 32})  # as the examiner keys them

    records = [record(a, 10 + i) for i, a in enumerate(ADDRESSES)]
    records += [record(UNDECODABLE, 1), record(Address("EX1", "/huge.bin"), 2**70)]
    journal = Journal(tmp_path / "journal.sqlite")
    try:
        journal.commit(records, [])
        old = record(Address("EX1", "/written by json é.jpg"), 3)
        journal.db.execute("INSERT INTO records VALUES (?, ?, 1, '')", (
            old.address.key().encode(), json.dumps(record_to_dict(old))))
        back = {r.address: r for r in journal.records()}
        # The fast writer took the plain rows: it writes a name's letters as they are
        # (json escapes them), "ç 写真" of ADDRESSES among them.
        texts = [data for (data,) in journal.db.execute("SELECT data FROM records")]
    finally:
        journal.close()
    assert any("ç 写真" in text for text in texts)
    for original in [*records, old]:
        read = back[original.address]
        assert (read.size, read.times, read.digests, read.file_type) == (
            original.size, original.times, original.digests, original.file_type)
