"""VICS JSON: the 1.x and 2.0 layouts, flags as text, PDQ, categories and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from safeguard.triage.errors import HashSetError, UsageError
from safeguard.triage.hashsets import HashEntry, HashSetStore

MD5 = ["8f398c463a6df480210a1459f81409d5", "96eb219993fcb121e5d8576140dfab1c"]
SHA1 = ["a14bc8609e0c9be98f7fd1ae6348417fc4b6ed3a", "089e0b355e42624e02b9e1f995e03aab7922c369"]
PDQ = "f" * 32 + "0" * 32
V2 = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{}/$metadata#{}"


def vics(tmp_path: Path, doc: dict[str, Any], name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def media(i: int, **extra: Any) -> dict[str, Any]:
    return {"MediaID": 100 + i, "MD5": MD5[i], "SHA1": SHA1[i], **extra}


def entry_of(store: HashSetStore, name: str, md5: str) -> HashEntry:
    with store.open(name) as hs:
        row = int(hs.lookup("md5", [md5])[0])
        assert row >= 0
        return hs.entry(row)


def test_it_reads_a_1x_media_list_with_the_us_scheme(tmp_path: Path, store: HashSetStore) -> None:
    path = vics(
        tmp_path,
        {
            "odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media",
            "value": [media(0, Category=1), media(1, Category=3)],
        },
    )
    info = store.import_file(path, "old", "known-bad")
    assert (info.entries, info.scheme) == (2, "us")
    assert entry_of(store, "old", MD5[0]).category == "child-abuse-material"
    assert entry_of(store, "old", MD5[1]).category == "cgi-animation"


def test_it_reads_a_2_0_flat_media_list(tmp_path: Path, store: HashSetStore) -> None:
    path = vics(tmp_path, {"@odata.context": V2.format("US", "Media"), "value": [media(0)]})
    info = store.import_file(path, "flat", "known-bad")
    assert info.entries == 1
    with store.open("flat") as hs:
        assert hs.lookup("sha1", [SHA1[0]]).tolist() == [0]


def test_it_reads_media_of_every_case(tmp_path: Path, store: HashSetStore) -> None:
    doc = {
        "@odata.context": V2.format("UK", "Cases"),
        "value": [
            {"CaseID": "1", "Media": [media(0, Category=2)]},
            {"CaseID": "2", "Media": []},
            {"CaseID": "3", "Media": [media(1, Category=3)]},
        ],
    }
    info = store.import_file(vics(tmp_path, doc), "cases", "known-bad")
    assert (info.entries, info.scheme) == (2, "uk")
    assert entry_of(store, "cases", MD5[0]).category == "B"
    assert entry_of(store, "cases", MD5[1]).category == "C"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("FALSE", False), ("True", True), (None, None)],
)
def test_it_reads_flags_as_booleans_or_text(
    tmp_path: Path, store: HashSetStore, value: Any, expected: bool | None
) -> None:
    doc = {
        "@odata.context": V2.format("US", "Media"),
        "value": [media(0, IsDistributed=value, VictimIdentified=value, OffenderIdentified=value)],
    }
    store.import_file(vics(tmp_path, doc), "flags", "known-bad")
    entry = entry_of(store, "flags", MD5[0])
    assert (entry.distributed, entry.victim_identified, entry.offender_identified) == (
        expected,
        expected,
        expected,
    )


def test_an_unreadable_flag_is_a_warning_not_a_lost_row(
    tmp_path: Path, store: HashSetStore
) -> None:
    doc = {"@odata.context": V2.format("US", "Media"), "value": [media(0, IsDistributed="maybe")]}
    info = store.import_file(vics(tmp_path, doc), "maybe", "known-bad")
    assert (info.entries, info.skipped) == (1, 0)
    assert entry_of(store, "maybe", MD5[0]).distributed is None
    assert any("IsDistributed" in w and "value[0]" in w for w in info.warnings)


def test_it_accepts_upper_case_hex(tmp_path: Path, store: HashSetStore) -> None:
    doc = {
        "@odata.context": V2.format("US", "Media"),
        "value": [{"MD5": MD5[0].upper(), "SHA1": SHA1[0].upper()}],
    }
    store.import_file(vics(tmp_path, doc), "upper", "known-bad")
    with store.open("upper") as hs:
        assert hs.lookup("md5", [MD5[0]]).tolist() == [0]
        assert hs.lookup("sha1", [SHA1[0]]).tolist() == [0]


def test_it_keeps_pdq_from_media_metadata_or_a_custom_field(
    tmp_path: Path, store: HashSetStore
) -> None:
    doc = {
        "@odata.context": V2.format("US", "Media"),
        "value": [
            media(0, MediaMetadata=[{"PropertyName": "pdq", "PropertyValue": PDQ.upper()}]),
            media(1, PDQ=PDQ),
        ],
    }
    info = store.import_file(vics(tmp_path, doc), "pdq", "known-bad")
    assert info.pdq == 2
    assert entry_of(store, "pdq", MD5[0]).pdq == PDQ
    with store.open("pdq") as hs:
        assert list(hs.pdq_entries()) == [(0, PDQ), (1, PDQ)]


def test_a_malformed_pdq_is_dropped_with_a_warning(tmp_path: Path, store: HashSetStore) -> None:
    doc = {"@odata.context": V2.format("US", "Media"), "value": [media(0, PDQ="abc")]}
    info = store.import_file(vics(tmp_path, doc), "badpdq", "known-bad")
    assert entry_of(store, "badpdq", MD5[0]).pdq is None
    assert info.pdq == 0
    assert any("PDQ" in w for w in info.warnings)


def test_it_maps_categories_with_an_override(tmp_path: Path, store: HashSetStore) -> None:
    doc = {
        "@odata.context": V2.format("UK", "Media"),
        "value": [media(0, Category=1), media(1, Category=2)],
    }
    info = store.import_file(vics(tmp_path, doc), "map", "known-bad", category_map={1: "c"})
    assert info.category_map[1] == "C"
    assert info.category_map[2] == "B"  # codes not listed keep the default
    assert entry_of(store, "map", MD5[0]).category == "C"
    assert entry_of(store, "map", MD5[1]).category == "B"


def test_an_explicit_scheme_overrides_the_profile(tmp_path: Path, store: HashSetStore) -> None:
    doc = {"@odata.context": V2.format("UK", "Media"), "value": [media(0, Category=4)]}
    info = store.import_file(vics(tmp_path, doc), "us", "known-bad", scheme="us")
    assert info.scheme == "us"
    assert entry_of(store, "us", MD5[0]).category == "comparison"


def test_a_category_map_name_outside_the_scheme_is_a_usage_error(
    tmp_path: Path, store: HashSetStore
) -> None:
    doc = {"@odata.context": V2.format("UK", "Media"), "value": [media(0, Category=1)]}
    with pytest.raises(UsageError, match="not a category of the uk scheme"):
        store.import_file(vics(tmp_path, doc), "bad", "known-bad", category_map={1: "Z"})
    assert store.list() == []


def test_an_unmapped_code_is_kept_visibly(tmp_path: Path, store: HashSetStore) -> None:
    doc = {"@odata.context": V2.format("UK", "Media"), "value": [media(0, Category=7)]}
    info = store.import_file(vics(tmp_path, doc), "seven", "known-bad")
    assert entry_of(store, "seven", MD5[0]).category == "unmapped:7"
    assert any("'7'" in w and "--category-map" in w for w in info.warnings)


def test_bad_json_names_the_file_and_line(tmp_path: Path, store: HashSetStore) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"@odata.context": "x#Media",\n "value": [\n  {"MD5": }\n]}', "utf-8")
    with pytest.raises(HashSetError, match=r"broken\.json: line 3: not valid JSON"):
        store.import_file(path, "broken", "known-bad")


def test_an_unknown_context_is_refused(tmp_path: Path, store: HashSetStore) -> None:
    path = vics(tmp_path, {"@odata.context": V2.format("US", "Things"), "value": []})
    with pytest.raises(HashSetError, match="neither #Media nor #Cases"):
        store.import_file(path, "things", "known-bad")


def test_a_bad_row_is_skipped_counted_and_named(tmp_path: Path, store: HashSetStore) -> None:
    doc = {
        "@odata.context": V2.format("US", "Cases"),
        "value": [{"Media": [media(0), {"MD5": "xyz" * 10 + "zz", "SHA1": SHA1[1]}, {"X": 1}]}],
    }
    path = vics(tmp_path, doc)
    info = store.import_file(path, "bad", "known-bad")
    assert (info.entries, info.skipped) == (1, 2)
    assert info.warnings[0].startswith(f"{path}: value[0].Media[1]: bad md5")
    assert "not hexadecimal" in info.warnings[0]
    assert "value[0].Media[2]: no digest" in info.warnings[1]
    with store.open("bad") as hs:
        # The bad row's good SHA-1 is not imported either: a row is kept whole or not at all.
        assert hs.lookup("sha1", [SHA1[1]]).tolist() == [-1]


def test_strict_import_stops_at_the_first_bad_row(tmp_path: Path, store: HashSetStore) -> None:
    doc = {
        "@odata.context": V2.format("US", "Media"),
        "value": [media(0), {"MD5": MD5[1][:-1]}],
    }
    with pytest.raises(HashSetError, match=r"value\[1\]: bad md5 .*31 characters, expected 32"):
        store.import_file(vics(tmp_path, doc), "strict", "known-bad", strict=True)
    assert store.list() == []
