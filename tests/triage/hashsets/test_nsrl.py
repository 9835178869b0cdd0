"""NSRL RDS v2 (CSV, numpy fast path plus csv fallback) and RDS v3 (SQLite)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from safeguard.triage.errors import HashSetError
from safeguard.triage.hashsets import HashSetStore
from safeguard.triage.hashsets.formats import base
from safeguard.triage.hashsets.formats.nsrl import V2_HEADER

from .contract import Writer

SHA1 = [
    "a14bc8609e0c9be98f7fd1ae6348417fc4b6ed3a",
    "089e0b355e42624e02b9e1f995e03aab7922c369",
    "919b23e10a5037e78363ab41b9b03f35bb5e8337",
]
MD5 = [
    "8f398c463a6df480210a1459f81409d5",
    "96eb219993fcb121e5d8576140dfab1c",
    "ef642e8dd765bcb24aea25ed0168ac48",
]


def line(i: int, name: str = "a.dll") -> str:
    return f'"{SHA1[i].upper()}","{MD5[i].upper()}","00000000","{name}",1,1,"358",""'


def test_it_reads_odd_but_valid_lines_through_the_csv_path(
    write: Writer, store: HashSetStore
) -> None:
    text = "\n".join(
        [
            V2_HEADER,
            line(0),
            "",  # blank lines are not rows
            f"{SHA1[1]},{MD5[1]},00000000,unquoted.dll,1,1,358,",  # not the usual quoting
            f'"{SHA1[2]}" , "{MD5[2]}","0","spaced.dll",1,1,"358",""',
        ]
    )  # and no final newline
    info = store.import_file(write("NSRLFile.txt", text), "nsrl", "known-good")
    assert (info.entries, info.skipped) == (3, 0)
    with store.open("nsrl") as hs:
        assert (hs.lookup("sha1", SHA1) >= 0).all()
        assert (hs.lookup("md5", MD5) >= 0).all()


def test_bad_rows_are_skipped_with_their_line_numbers(write: Writer, store: HashSetStore) -> None:
    bad_hex = f'"{"G" * 40}","{MD5[1]}","0","x",1,1,"1",""'
    short = f'"{SHA1[2][:-2]}","{MD5[2]}","0","x",1,1,"1",""'
    path = write("NSRLFile.txt", "\r\n".join([V2_HEADER, line(0), bad_hex, short, "junk", ""]))
    info = store.import_file(path, "nsrl", "known-good")
    assert (info.entries, info.skipped) == (1, 3)
    text = "\n".join(info.warnings)
    assert f"{path}: line 3: bad SHA-1 or MD5" in text
    assert f"{path}: line 4: bad sha1" in text and "38 characters, expected 40" in text
    assert f"{path}: line 5: not an RDS v2 row" in text


def test_it_gives_the_same_set_however_the_file_is_cut_into_blocks(
    write: Writer, store: HashSetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [line(i % 3, name=f"file{i}.dll") for i in range(200)]
    path = write("NSRLFile.txt", "\n".join([V2_HEADER, *rows, ""]))
    whole = store.import_file(path, "whole", "known-good")
    monkeypatch.setattr(base, "CHUNK_ROWS", 1)  # 96-byte blocks: lines straddle them
    cut = store.import_file(path, "cut", "known-good")
    assert whole.entries == cut.entries == 200
    assert whole.duplicates == cut.duplicates == {"md5": 197, "sha1": 197}
    with store.open("whole") as a, store.open("cut") as b:
        assert a.lookup("sha1", SHA1).tolist() == b.lookup("sha1", SHA1).tolist() == [0, 1, 2]


def test_a_forced_v2_import_without_the_header_names_the_file(
    write: Writer, store: HashSetStore
) -> None:
    path = write("NSRLFile.txt", line(0) + "\n")
    with pytest.raises(HashSetError, match=r"NSRLFile\.txt: not a nsrl-v2 file: .*header"):
        store.import_file(path, "nsrl", "known-good", fmt="nsrl-v2")


def v3(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE FILE (sha256, sha1, md5, crc32, file_name, file_size, package_id)")
    con.executemany("INSERT INTO FILE VALUES (?, ?, ?, '0', 'f', 1, 1)", rows)
    con.commit()
    con.close()
    return path


def test_v3_skips_a_bad_row_and_names_it(tmp_path: Path, store: HashSetStore) -> None:
    sha256 = "1a60f3f6c1eda4e13c0d850be22708f82bbfa1ef2921456a203a80f56106e957"
    path = v3(
        tmp_path / "RDS.db",
        [(sha256, SHA1[0], MD5[0]), (sha256, "nothex", MD5[1]), (sha256.upper(), SHA1[2], "")],
    )
    info = store.import_file(path, "rds", "known-good")
    assert (info.entries, info.skipped) == (2, 1)
    assert "FILE row 2: bad sha1 'nothex'" in info.warnings[0]
    with store.open("rds") as hs:
        assert hs.lookup("md5", [MD5[0], MD5[1], MD5[2]]).tolist() == [0, -1, -1]
        assert hs.lookup("sha1", [SHA1[2]]).tolist() == [1]


def test_v3_streams_in_chunks(
    tmp_path: Path, store: HashSetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "CHUNK_ROWS", 2)
    path = v3(tmp_path / "RDS.db", [("", SHA1[i], MD5[i]) for i in range(3)])
    info = store.import_file(path, "rds", "known-good")
    assert (info.entries, info.digests) == (3, ("md5", "sha1"))
    with store.open("rds") as hs:
        assert hs.lookup("sha1", SHA1).tolist() == [0, 1, 2]


def test_an_sqlite_file_without_a_file_table_is_not_nsrl(
    tmp_path: Path, store: HashSetStore
) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (text)")
    con.commit()
    con.close()
    with pytest.raises(HashSetError, match=r"other\.db: not a nsrl-v3 file: .*FILE"):
        store.import_file(path, "other", "known-good", fmt="nsrl-v3")
    with pytest.raises(HashSetError, match=r"other\.db: not a hash set format"):
        store.import_file(path, "other", "known-good")
