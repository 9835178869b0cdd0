"""The store: provenance, persistence, replace, atomic imports, and index rebuilds."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from safeguard.triage.errors import HashSetError, UsageError
from safeguard.triage.hashsets import HashSetStore, default_home
from safeguard.triage.hashsets import indexing as indexing_module
from safeguard.triage.hashsets.digest_index import IndexBuilder
from safeguard.triage.hashsets.formats import CsvList
from safeguard.triage.results import HashSetUse

from .contract import Writer

MD5 = ["8f398c463a6df480210a1459f81409d5", "96eb219993fcb121e5d8576140dfab1c"]


@pytest.fixture
def listing(write: Writer) -> Path:
    return write("list.md5", f"{MD5[0]}  one.jpg\n")


def test_default_home_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SAFEGUARD_HOME", str(tmp_path / "sg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_home() == tmp_path / "sg"
    monkeypatch.delenv("SAFEGUARD_HOME")
    assert default_home() == tmp_path / "xdg" / "safeguard"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert default_home() == tmp_path / "me" / ".local" / "share" / "safeguard"
    assert HashSetStore.default().root == tmp_path / "me" / ".local/share/safeguard/hashsets"


def test_it_records_provenance_and_keeps_the_list_as_imported(
    store: HashSetStore, listing: Path
) -> None:
    info = store.import_file(listing, "one", "known-bad")
    data = listing.read_bytes()
    assert info.source_sha256 == hashlib.sha256(data).hexdigest()
    assert info.source_size == len(data)
    assert info.source_path == str(listing.resolve())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", info.imported_at)
    assert (store.root / "one" / info.source_file).read_bytes() == data
    assert info.to_use() == HashSetUse(
        name="one", kind="known-bad", format="sums", entries=1, sha256=info.source_sha256
    )


def test_sets_persist_and_list_by_name(store: HashSetStore, listing: Path) -> None:
    store.import_file(listing, "b-set", "known-good")
    store.import_file(listing, "a-set", "known-bad")
    again = HashSetStore(store.root)
    assert [(i.name, i.kind, i.entries) for i in again.list()] == [
        ("a-set", "known-bad", 1),
        ("b-set", "known-good", 1),
    ]
    assert again.info("a-set") == store.info("a-set")
    with again.open("b-set") as hs:
        assert hs.lookup("md5", MD5).tolist() == [0, -1]


def test_an_existing_name_needs_replace(store: HashSetStore, listing: Path, write: Writer) -> None:
    store.import_file(listing, "one", "known-bad")
    with pytest.raises(UsageError, match="already exists: use --replace"):
        store.import_file(listing, "one", "known-bad")
    newer = write("newer.md5", f"{MD5[1]}\n")
    info = store.import_file(newer, "one", "known-bad", replace=True)
    assert info.source_sha256 == hashlib.sha256(newer.read_bytes()).hexdigest()
    with store.open("one") as hs:
        assert hs.lookup("md5", MD5).tolist() == [-1, 0]
    assert [p.name for p in store.root.iterdir()] == ["one"]


def test_a_failed_import_leaves_no_set_and_no_litter(
    store: HashSetStore, listing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(self: IndexBuilder) -> None:
        raise KeyboardInterrupt  # as if the import were interrupted while sorting

    monkeypatch.setattr(IndexBuilder, "finish", boom)
    with pytest.raises(KeyboardInterrupt):
        store.import_file(listing, "one", "known-bad")
    assert store.list() == []
    assert list(store.root.iterdir()) == []


def test_a_failed_replace_keeps_the_old_set_whole(
    store: HashSetStore, listing: Path, write: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = store.import_file(listing, "one", "known-bad")
    monkeypatch.setattr(IndexBuilder, "finish", lambda self: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        store.import_file(write("n.md5", f"{MD5[1]}\n"), "one", "known-bad", replace=True)
    assert store.info("one") == old
    with store.open("one") as hs:
        assert hs.lookup("md5", MD5).tolist() == [0, -1]


def test_the_remains_of_a_killed_import_are_ignored_then_cleared(
    store: HashSetStore, listing: Path
) -> None:
    dead = store.root / ".import-one-999999999-abcd"  # no such process
    (dead / "source").mkdir(parents=True)
    assert store.list() == []
    store.import_file(listing, "two", "known-bad")
    assert not dead.exists()
    assert [i.name for i in store.list()] == ["two"]


def test_a_set_replaced_by_a_killed_import_is_put_back(store: HashSetStore, listing: Path) -> None:
    store.import_file(listing, "one", "known-bad")
    (store.root / "one").rename(store.root / ".replaced-one-abcd")  # killed mid-replace
    (store.root / ".removed-two-abcd").mkdir()  # killed mid-remove: stays removed
    store.import_file(listing, "three", "known-bad")
    assert [i.name for i in store.list()] == ["one", "three"]
    assert sorted(p.name for p in store.root.iterdir()) == ["one", "three"]


def test_remove_and_unknown_names(store: HashSetStore, listing: Path) -> None:
    store.import_file(listing, "one", "known-bad")
    store.remove("one")
    assert store.list() == []
    with pytest.raises(HashSetError, match="no hash set named 'one'"):
        store.open("one")
    with pytest.raises(HashSetError, match="no hash set named 'one'"):
        store.remove("one")
    with pytest.raises(UsageError, match="bad hash set name"):
        store.open("../etc")
    with pytest.raises(UsageError, match="unknown hash set kind"):
        store.import_file(listing, "x", "known-ugly")


def test_a_damaged_manifest_is_named_not_a_traceback(store: HashSetStore, listing: Path) -> None:
    store.import_file(listing, "one", "known-bad")
    store.import_file(listing, "two", "known-bad")
    (store.root / "one" / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(HashSetError, match="hash set 'one' is damaged"):
        store.open("one")
    assert [i.name for i in store.list()] == ["two"]
    assert [name for name, _ in store.damaged()] == ["one"]


def test_missing_and_unreadable_sources_are_named(store: HashSetStore, tmp_path: Path) -> None:
    with pytest.raises(HashSetError, match=r"nowhere\.md5: no such file"):
        store.import_file(tmp_path / "nowhere.md5", "x", "known-bad")
    with pytest.raises(HashSetError, match="is a folder"):
        store.import_file(tmp_path, "x", "known-bad")


def test_a_list_with_no_usable_entry_is_refused(store: HashSetStore, write: Writer) -> None:
    path = write("bad.csv", "md5\nnot-a-digest\n")
    with pytest.raises(
        HashSetError, match=r"bad\.csv: no usable hash entries; first problem: .*line 2"
    ):
        store.import_file(path, "bad", "known-bad")
    assert store.list() == []


def _meta(store: HashSetStore, name: str) -> Path:
    return store.root / name / "index" / "meta.json"


@pytest.mark.parametrize("damage", ["version", "source", "truncate", "delete"])
def test_a_stale_or_damaged_index_is_rebuilt_on_open(
    store: HashSetStore, write: Writer, damage: str
) -> None:
    path = write("l.csv", f"md5,category\n{MD5[0]},A\n{MD5[1]},B\n")
    store.import_file(path, "one", "known-bad")
    meta_path = _meta(store, "one")
    meta = json.loads(meta_path.read_text())
    index = store.root / "one" / "index"
    if damage == "version":
        meta["index_version"] = -1
        meta_path.write_text(json.dumps(meta))
    elif damage == "source":
        meta["source_sha256"] = "0" * 64
        meta_path.write_text(json.dumps(meta))
    elif damage == "truncate":
        (index / "md5.keys").write_bytes(b"")
    else:
        for f in index.iterdir():
            f.unlink()
        index.rmdir()
    with store.open("one") as hs:
        rows = hs.lookup("md5", MD5).tolist()
        assert [hs.entry(r).category for r in rows] == ["A", "B"]
    rebuilt = json.loads(meta_path.read_text())
    assert rebuilt["index_version"] == indexing_module.INDEX_VERSION
    assert rebuilt["source_sha256"] == store.info("one").source_sha256


def test_a_new_index_version_rebuilds_every_set(
    store: HashSetStore, listing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.import_file(listing, "one", "known-bad")
    before = _meta(store, "one").stat().st_mtime_ns
    monkeypatch.setattr(indexing_module, "INDEX_VERSION", indexing_module.INDEX_VERSION + 1)
    with store.open("one") as hs:
        assert hs.lookup("md5", MD5[:1]).tolist() == [0]
    assert json.loads(_meta(store, "one").read_text())["index_version"] == (
        indexing_module.INDEX_VERSION
    )
    assert _meta(store, "one").stat().st_mtime_ns != before


def test_a_changed_kept_list_is_never_silently_reindexed(
    store: HashSetStore, listing: Path
) -> None:
    store.import_file(listing, "one", "known-bad")
    kept = store.root / "one" / store.info("one").source_file
    assert store.verify("one")
    kept.write_text(f"{MD5[1]}  one.jpg\n", encoding="utf-8")  # same size, other digest
    assert not store.verify("one")
    _meta(store, "one").unlink()
    with pytest.raises(HashSetError, match="'one' is damaged: its kept list no longer has"):
        store.open("one")
    kept.write_text("short\n", encoding="utf-8")
    with pytest.raises(HashSetError, match="missing or has changed size"):
        store.open("one")


def test_an_opened_set_answers_entries_and_info(store: HashSetStore, tmp_path: Path) -> None:
    path = tmp_path / "ex.csv"
    CsvList.write_example(path)
    info = store.import_file(path, "ex", "known-bad", scheme="uk", category_map={3: "A"})
    assert info.scheme == "uk" and info.category_map == {0: "uncategorised", 1: "A", 2: "B", 3: "A"}
    with store.open("ex") as hs:
        assert hs.info == info
        assert [e.category for e in hs.entries([0, 1, 2])] == ["A", "B", "A"]
    assert os.listdir(store.root) == ["ex"]
