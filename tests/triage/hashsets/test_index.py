"""Exact lookups against a Python reference, across chunks, buckets and batches."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from safeguard.triage.errors import UsageError
from safeguard.triage.hashsets import HashSetStore
from safeguard.triage.hashsets import digest_index as index_module
from safeguard.triage.hashsets.formats import base


def random_hex(rng: np.random.Generator, n: int, size: int) -> list[str]:
    return [bytes(row).hex() for row in rng.integers(0, 256, (n, size), dtype=np.uint8)]


def test_lookups_agree_with_a_python_dict_on_100k_rows(
    tmp_path: Path, store: HashSetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "CHUNK_ROWS", 7_000)  # many chunks
    monkeypatch.setattr(index_module, "LOOKUP_BATCH", 30_000)  # several batches
    rng = np.random.default_rng(1)
    digests = random_hex(rng, 100_000, 16)
    digests[50_000:50_100] = digests[:100]  # repeats: the first row listed must answer
    path = tmp_path / "big.md5"
    path.write_text("".join(f"{d}  f{i}\n" for i, d in enumerate(digests)), encoding="utf-8")

    info = store.import_file(path, "big", "known-bad")
    assert (info.entries, info.duplicates) == (100_000, {"md5": 100})

    reference: dict[str, int] = {}
    for row, d in enumerate(digests):
        reference.setdefault(d, row)
    queries = [digests[i] for i in rng.integers(0, 100_000, 60_000)] + random_hex(rng, 60_000, 16)
    queries = [q.upper() if i % 3 == 0 else q for i, q in enumerate(queries)]
    with store.open("big") as hs:
        rows = hs.lookup("md5", queries)
        assert rows.dtype == np.int64
        expected = [reference.get(q.lower(), -1) for q in queries]
        assert rows.tolist() == expected
        assert hs.entry(int(rows[0])).name == f"f{expected[0]}"


def test_digests_sharing_a_64_bit_prefix_are_told_apart(
    tmp_path: Path, store: HashSetStore
) -> None:
    prefix = "00112233445566778899"[:16]
    same = [prefix + tail for tail in ("a" * 24, "b" * 24, "c" * 24)]
    path = tmp_path / "ties.sha1"
    path.write_text(f"{same[2]}\n{same[0]}\n{same[2]}\n", encoding="utf-8")
    store.import_file(path, "ties", "known-bad")
    with store.open("ties") as hs:
        assert hs.lookup("sha1", [same[0], same[1], same[2]]).tolist() == [1, -1, 0]


def test_a_digest_the_set_lacks_answers_minus_one(tmp_path: Path, store: HashSetStore) -> None:
    path = tmp_path / "one.md5"
    path.write_text("8f398c463a6df480210a1459f81409d5\n", encoding="utf-8")
    store.import_file(path, "one", "known-bad")
    with store.open("one") as hs:
        assert hs.lookup("sha256", ["ab" * 32, "cd" * 32]).tolist() == [-1, -1]
        assert hs.lookup("md5", []).tolist() == []
        with pytest.raises(UsageError, match="not a md5 digest: 'xyz'"):
            hs.lookup("md5", ["8f398c463a6df480210a1459f81409d5", "xyz"])
        with pytest.raises(UsageError, match="unknown digest 'crc32'"):
            hs.lookup("crc32", ["00000000"])
        with pytest.raises(IndexError):
            hs.entry(1)
        row = hs.lookup_bytes(
            "md5",
            np.frombuffer(
                bytes.fromhex("8f398c463a6df480210a1459f81409d5"), dtype=np.uint8
            ).reshape(1, 16),
        )
        assert row.tolist() == [0]
