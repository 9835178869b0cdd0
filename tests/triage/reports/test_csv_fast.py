"""files.csv's rows against what each cell must say: `csv_row` against a reference that
reads every column from its field by name (as the report did, a function a cell), and
`row_sink` (cells joined by commas where nothing needs quoting) against the csv module's
writer, on any record and any text."""

from __future__ import annotations

import io

from hypothesis import example, given
from hypothesis import strategies as st

from safeguard.triage.records import ADDRESS_COLUMNS, Address, FileType, Match, Record, Times
from safeguard.triage.reports._common import iso_time
from safeguard.triage.reports.csv_report import FIELDNAMES, csv_row, csv_writer, row_sink

_FLAGS = ("deleted", "carved", "known_good", "distributed", "victim_identified",
          "shared_location", "embedded", "thumbnail", "original_not_found")
_TEXTS = ("mime", "known_good_set", "hashset", "category", "series", "error", "pdq", "group",
          "original_path", "match_method")
_TIMES = ("modified", "accessed", "changed", "created")


def _reference_cell(record: Record, name: str) -> str:
    """One cell of files.csv, read from the record's field of the column's name."""
    if name in ADDRESS_COLUMNS:
        return record.address.columns()[name]
    if name in _FLAGS:
        return "true" if getattr(record, name) else "false"
    if name in _TEXTS:
        return str(getattr(record, name))
    if name in _TIMES:
        return iso_time(getattr(record.times, name))
    if name in ("md5", "sha1", "sha256"):
        return record.digests.get(name, "")
    if name in ("distance", "pdq_quality"):
        value = getattr(record, name)
        return "" if value is None else str(value)
    return {"size": str(record.size), "type": record.file_type.value,
            "match": record.match.value}[name]


def columns_row(record: Record) -> list[str]:
    return [_reference_cell(record, name) for name in FIELDNAMES]

# Text as evidence can name it: separators, quotes, line ends, NUL, lone surrogates.
_TEXT = st.text(alphabet=st.one_of(st.sampled_from(',"\r\n\x00 !/\\›é\udcff'),
                                   st.characters(codec=None)), max_size=12)
_TIME = st.one_of(st.none(), st.floats(min_value=-7e10, max_value=3e11, allow_nan=False),
                  st.sampled_from([1796625086.1666727, 0.0, -0.0, 1.5]))
_FLAG = st.booleans()


@st.composite
def _records(draw: st.DrawFn) -> Record:
    modified = draw(_TIME)
    changed = draw(st.one_of(st.just(modified), _TIME))
    digests = draw(st.dictionaries(st.sampled_from(["md5", "sha1", "sha256"]), _TEXT))
    return Record(
        address=Address(draw(_TEXT), draw(_TEXT), draw(_TEXT), draw(_TEXT), draw(_TEXT),
                        tuple(draw(st.lists(_TEXT, max_size=3)))),
        size=draw(st.integers(min_value=0, max_value=1 << 70)),
        file_type=draw(st.sampled_from(FileType)),
        times=Times(modified, draw(_TIME), changed, draw(_TIME)),
        deleted=draw(_FLAG), carved=draw(_FLAG), digests=digests, mime=draw(_TEXT),
        known_good=draw(_FLAG), known_good_set=draw(_TEXT), hashset=draw(_TEXT),
        category=draw(_TEXT), series=draw(_TEXT), distributed=draw(_FLAG),
        victim_identified=draw(_FLAG), match=draw(st.sampled_from(Match)),
        distance=draw(st.one_of(st.none(), st.integers(0, 256))),
        match_method=draw(_TEXT), error=draw(_TEXT), pdq=draw(_TEXT),
        pdq_quality=draw(st.one_of(st.none(), st.integers(0, 100))), group=draw(_TEXT),
        shared_location=draw(_FLAG), embedded=draw(_FLAG), thumbnail=draw(_FLAG),
        original_path=draw(_TEXT), original_not_found=draw(_FLAG),
    )


@given(_records())
def test_csv_row_is_columns_row(record: Record) -> None:
    row = csv_row(record)
    assert row == columns_row(record)
    assert len(row) == len(FIELDNAMES)


def test_a_plain_row_is_columns_row() -> None:
    record = Record(Address("ev", "/d/f.bin"), 19944, FileType.OTHER,
                    Times(1796625086.1666727, 1796625116.654747, 1796625086.1666727, None),
                    digests={"md5": "a9", "sha1": "04"})
    assert csv_row(record) == columns_row(record)


def _by_csv_module(rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv_writer(out)
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def _by_sink(rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    put = row_sink(out)
    for row in rows:
        put(row)
    return out.getvalue()


@given(st.lists(st.lists(_TEXT, min_size=1, max_size=6), max_size=4))
@example([[""]])
@example([["a,b", "c"], ["plain", "row"], ['say "x"', ""], ["line\nend", "\r"]])
@example([["\x00", " lead", "trail "]])
def test_row_sink_writes_what_the_csv_module_writes(rows: list[list[str]]) -> None:
    assert _by_sink(rows) == _by_csv_module(rows)


@given(st.lists(_records(), max_size=3))
def test_rows_of_records_are_written_as_the_csv_module_writes_them(
        records: list[Record]) -> None:
    rows = [csv_row(record) for record in records]
    assert _by_sink(rows) == _by_csv_module(rows)
