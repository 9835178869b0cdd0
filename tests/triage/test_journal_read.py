"""record_from_dict against the reading it replaced (every field looked up, the file type
by its enum): the same Record for every row the journal writes, and the same error for a
row damaged in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.triage.journal import _address_from_list, record_from_dict, record_to_dict
from safeguard.triage.records import Address, FileType, Match, Record, Times


def _reference(data: dict[str, Any]) -> Record:
    """How the journal read a row before the plain row's quick way."""
    address = _address_from_list(data["a"])
    pdq, quality, variants = data.get("p", ("", None, ()))
    return Record(
        address=address, size=data["s"], file_type=FileType(data["y"]), mime=data["m"],
        times=Times(*data["t"]), deleted=data["del"], carved=data["car"],
        digests=data["d"], error=data["e"], match=Match.NONE, pdq=pdq,
        pdq_quality=quality, pdq_variants=tuple(variants), vpdq=data.get("v", ""),
        fingerprint=data.get("f", ""), embedded=bool(data.get("emb", False)),
        thumbnail="thm" in data, original_path=str(data.get("thm") or ""),
    )

_TEXT = st.text(max_size=8)
_TIME = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))


@st.composite
def _records(draw: st.DrawFn) -> Record:
    pdq = draw(st.one_of(st.just(""), st.text("0123456789abcdef", min_size=1, max_size=8)))
    thumbnail = draw(st.booleans())
    return Record(
        address=Address(draw(_TEXT), draw(_TEXT), draw(_TEXT), draw(_TEXT), draw(_TEXT),
                        tuple(draw(st.lists(_TEXT, max_size=2)))),
        size=draw(st.integers(min_value=0, max_value=1 << 40)),
        file_type=draw(st.sampled_from(FileType)),
        times=Times(draw(_TIME), draw(_TIME), draw(_TIME), draw(_TIME)),
        deleted=draw(st.booleans()), carved=draw(st.booleans()),
        digests=draw(st.dictionaries(st.sampled_from(["md5", "sha1", "sha256"]), _TEXT)),
        mime=draw(_TEXT), error=draw(_TEXT), fingerprint=draw(_TEXT),
        pdq=pdq, pdq_quality=draw(st.integers(0, 100)) if pdq else None,
        pdq_variants=tuple(draw(st.lists(_TEXT, max_size=2))) if pdq else (),
        vpdq=draw(_TEXT), embedded=draw(st.booleans()), thumbnail=thumbnail,
        original_path=draw(_TEXT) if thumbnail else "",
    )


@given(_records())
def test_a_row_reads_as_it_always_did(record: Record) -> None:
    data = record_to_dict(record)
    assert record_from_dict(data) == _reference(data) == record


def _plain() -> dict[str, Any]:
    return record_to_dict(Record(Address("ev", "/f"), 3, FileType.OTHER, Times(1.0),
                                 digests={"md5": "ab"}, fingerprint="3:1.0"))


def _error(read: Callable[[dict[str, Any]], Record], data: Any) -> str:
    """What `read` raises of `data`, as the journal's reader catches it."""
    try:
        read(data)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return repr(exc)
    return "no error"


@pytest.mark.parametrize("change", [
    {"y": "folder"}, {"y": ["image"]}, {"a": ["ev", "/f"]}, {"a": None}, {"t": [1, 2]},
    {"t": None}, {"s": "3"}, {"d": None},
])
def test_a_damaged_plain_row_fails_as_it_always_did(change: dict[str, Any]) -> None:
    data = _plain() | change
    assert _error(_reference, data) == _error(record_from_dict, data)


@pytest.mark.parametrize("swap", ["a", "s", "y", "m", "t", "del", "car", "d", "e"])
def test_a_row_of_ten_keys_missing_one_is_damaged(swap: str) -> None:
    """Ten keys, "f" among them, a required one missing (its value under an optional
    key): damaged either way, though which fault is named first may differ."""
    data = _plain()
    data["p"] = data.pop(swap)
    assert _error(_reference, data) != "no error"
    assert _error(record_from_dict, data) != "no error"
