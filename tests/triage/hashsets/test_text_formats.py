"""md5sum-style lists, CSV with a header, and Interpol ICSE CSV."""

from __future__ import annotations

import pytest

from safeguard.triage.errors import HashSetError
from safeguard.triage.hashsets import HashSetStore

from .contract import Writer

MD5 = "8f398c463a6df480210a1459f81409d5"
SHA1 = "089e0b355e42624e02b9e1f995e03aab7922c369"
SHA256 = "ea643ec57c5d132e73adf7fcb592d62919fad09b57cc5576093affb6d2038ed1"


def test_sums_accepts_gnu_bsd_and_bare_lines(write: Writer, store: HashSetStore) -> None:
    text = f"{MD5} *a.jpg\nSHA1 (b c.jpg) = {SHA1}\n{SHA256}\n"
    info = store.import_file(write("list.sha", text), "sums", "known-bad")
    assert (info.entries, info.digests) == (3, ("md5", "sha1", "sha256"))
    with store.open("sums") as hs:
        assert hs.entry(int(hs.lookup("sha1", [SHA1])[0])).name == "b c.jpg"


def test_sums_skips_lines_of_no_digest_length_or_not_hex(
    write: Writer, store: HashSetStore
) -> None:
    text = f"{MD5}  a.jpg\n{MD5}0  b.jpg\n{'z' * 32}  c.jpg\n"
    path = write("list.md5", text)
    info = store.import_file(path, "sums", "known-bad")
    assert (info.entries, info.skipped) == (1, 2)
    assert info.warnings[0] == (
        f"{path}: line 2: 33 hex characters fit no digest: 32 (md5), 40 (sha1), 64 (sha256)"
    )
    assert info.warnings[1].startswith(f"{path}: line 3: bad md5 'zzzz")


def test_sums_strict_mode_names_the_line(write: Writer, store: HashSetStore) -> None:
    path = write("list.md5", f"{MD5}  a\n\n# comment\n{MD5[:-1]}x  b\n")
    with pytest.raises(HashSetError, match=r"list\.md5: line 4: bad md5 .*not hexadecimal"):
        store.import_file(path, "sums", "known-bad", strict=True)


def test_csv_headers_are_case_insensitive_and_other_columns_ignored(
    write: Writer, store: HashSetStore
) -> None:
    text = f"Notes\tSha-1\tCATEGORY\tseries\n1,2\t{SHA1}\tCategory A\tS1\nx\t{SHA1[::-1]}\tc\t\n"
    info = store.import_file(write("list.tsv", text), "tsv", "known-bad")
    assert (info.entries, info.digests, info.scheme) == (2, ("sha1",), "uk")
    with store.open("tsv") as hs:
        rows = hs.lookup("sha1", [SHA1, SHA1[::-1]]).tolist()
        assert [hs.entry(r).category for r in rows] == ["A", "C"]
        assert hs.entry(rows[0]).series == "S1"


@pytest.mark.parametrize(
    ("raw", "expected"), [("a", "A"), ("B", "B"), ("2", "B"), ("0", "uncategorised")]
)
def test_csv_letter_and_code_categories_are_normalised(
    write: Writer, store: HashSetStore, raw: str, expected: str
) -> None:
    store.import_file(write("list.csv", f"md5,category\n{MD5},{raw}\n"), "c", "known-bad")
    with store.open("c") as hs:
        assert hs.entry(0).category == expected


def test_csv_with_the_us_scheme_maps_codes_to_vics_names(
    write: Writer, store: HashSetStore
) -> None:
    path = write("list.csv", f"md5,category\n{MD5},2\n")
    store.import_file(path, "us", "known-bad", scheme="us")
    with store.open("us") as hs:
        assert hs.entry(0).category == "child-exploitive"


def test_csv_skips_a_row_of_the_wrong_digest_length(write: Writer, store: HashSetStore) -> None:
    path = write("list.csv", f"md5,sha256\n{MD5},\n{SHA1},\n,{SHA256}\n")
    info = store.import_file(path, "c", "known-bad")
    assert (info.entries, info.skipped) == (2, 1)
    assert info.warnings == [f"{path}: line 3: bad md5 '{SHA1}': 40 characters, expected 32"]


def test_csv_without_a_digest_header_names_the_file(write: Writer, store: HashSetStore) -> None:
    path = write("list.csv", f"hash,notes\n{MD5},x\n")
    with pytest.raises(HashSetError, match=r"list\.csv: not a csv file: no md5, sha1 or sha256"):
        store.import_file(path, "c", "known-bad", fmt="csv")


def test_csv_keeps_the_pdq_column(write: Writer, store: HashSetStore) -> None:
    pdq = "0123456789abcdef" * 4
    info = store.import_file(write("l.csv", f"md5,pdq\n{MD5},{pdq.upper()}\n"), "p", "known-bad")
    assert info.pdq == 1
    with store.open("p") as hs:
        assert hs.entry(0).pdq == pdq


def test_icse_reads_flags_written_as_words(write: Writer, store: HashSetStore) -> None:
    header = (
        "MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;"
        "Series name"
    )
    text = f"{header}\n{MD5};;PDNA;I-1;No;YES;0;The series\n"
    store.import_file(write("icse.csv", text), "icse", "known-bad")
    with store.open("icse") as hs:
        entry = hs.entry(0)
    assert (entry.distributed, entry.victim_identified, entry.offender_identified) == (
        False,
        True,
        False,
    )
    assert (entry.media_id, entry.photodna, entry.series) == ("I-1", "PDNA", "The series")


def test_icse_without_its_header_names_the_file(write: Writer, store: HashSetStore) -> None:
    path = write("icse.csv", f"{MD5};x\n")
    with pytest.raises(HashSetError, match=r"icse\.csv: not a icse file"):
        store.import_file(path, "icse", "known-bad", fmt="icse")
