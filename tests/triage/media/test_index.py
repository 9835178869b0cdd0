"""The PDQ index returns exactly what a linear scan returns, and keeps itself honest on disk."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from safeguard.triage.errors import UsageError
from safeguard.triage.media import _mih
from safeguard.triage.media.pdq_index import (
    IndexFormatError,
    PdqIndex,
    SearchResult,
    StaleIndexError,
    build_or_load,
)

ROWS = 50_000
FLIPS = (0, 1, 15, 16, 17, 30, 31, 32)
PER_FLIP = 25


def flipped(rng: np.random.Generator, row: NDArray[np.uint8], bits: int) -> NDArray[np.uint8]:
    """`row` with exactly `bits` distinct bits flipped."""
    out = row.copy()
    for bit in rng.choice(256, bits, replace=False):
        out[bit // 8] ^= np.uint8(1 << (bit % 8))
    return out


def scan(hashes: NDArray[np.uint8], queries: NDArray[np.uint8], max_distance: int) -> SearchResult:
    """The reference: every row against every query, in numpy, ordered as the index orders."""
    words = hashes.view(np.uint64)
    ids: list[NDArray[np.int64]] = []
    distances: list[NDArray[np.int32]] = []
    for q in queries.view(np.uint64):
        d = np.bitwise_count(words ^ q).sum(axis=1)
        hit = np.flatnonzero(d <= max_distance)
        order = np.lexsort((hit, d[hit]))
        ids.append(hit[order].astype(np.int64))
        distances.append(d[hit][order].astype(np.int32))
    offsets = np.concatenate([[0], np.cumsum([len(i) for i in ids])]).astype(np.int64)
    return SearchResult(offsets, np.concatenate([np.empty(0, np.int64), *ids]),
                        np.concatenate([np.empty(0, np.int32), *distances]))  # fmt: skip


def memory_mapped(array: object) -> bool:
    while isinstance(array, np.ndarray):
        if isinstance(array, np.memmap):
            return True
        array = array.base
    return False


def assert_same(got: SearchResult, expected: SearchResult) -> None:
    assert len(got) == len(expected)
    assert got.offsets.tolist() == expected.offsets.tolist()
    assert got.ids.tolist() == expected.ids.tolist()
    assert got.distances.tolist() == expected.distances.tolist()


@pytest.fixture(scope="module")
def hashes() -> NDArray[np.uint8]:
    rng = np.random.default_rng(7)
    hashes = rng.integers(0, 256, (ROWS, 32), dtype=np.uint8)
    hashes[1000:1005] = hashes[7]  # duplicates: all six rows must come back
    hashes[2000] = flipped(rng, hashes[7], 3)  # a near-duplicate of them
    return hashes


@pytest.fixture(scope="module")
def queries(hashes: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """Copies of random rows with each of FLIPS bits flipped, then random hashes."""
    rng = np.random.default_rng(8)
    sources = rng.integers(0, ROWS, len(FLIPS) * PER_FLIP)
    near = [flipped(rng, hashes[s], FLIPS[i // PER_FLIP]) for i, s in enumerate(sources)]
    far = rng.integers(0, 256, (50, 32), dtype=np.uint8)
    return np.vstack([np.stack(near), far, hashes[7:8]]), sources


@pytest.fixture(scope="module")
def index(hashes: NDArray[np.uint8]) -> PdqIndex:
    return PdqIndex(hashes, threads=2)


def test_it_uses_sixteen_16_bit_substrings_at_this_size(index: PdqIndex) -> None:
    assert index.m == 16 and index.substring_bits == (16,) * 16


def test_it_finds_what_a_linear_scan_finds_at_31(
    index: PdqIndex, hashes: NDArray[np.uint8], queries: tuple[NDArray[np.uint8], NDArray[np.int64]]
) -> None:
    q, sources = queries
    result = index.search(q, 31)
    assert_same(result, scan(hashes, q, 31))
    for i, source in enumerate(sources):
        ids, distances = result[i]
        bits = FLIPS[i // PER_FLIP]
        # 32 bits away is one too many; 31 and below always come back, at their distance.
        assert (source in ids) == (bits <= 31), (i, bits)
        if bits <= 31:
            assert distances[ids.tolist().index(source)] == bits


def test_it_returns_every_duplicate(index: PdqIndex) -> None:
    ids, distances = index.search(index.hashes[7:8], 31)[0]
    assert ids.tolist() == [7, 1000, 1001, 1002, 1003, 1004, 2000]
    assert distances.tolist() == [0, 0, 0, 0, 0, 0, 3]


@pytest.mark.parametrize("max_distance", [0, 1, 5, 15, 16, 17, 30, 32, 40, 47, 64])
def test_it_is_exact_at_other_distances(
    index: PdqIndex,
    hashes: NDArray[np.uint8],
    queries: tuple[NDArray[np.uint8], NDArray[np.int64]],
    max_distance: int,
) -> None:
    q = queries[0][::4]  # every flip count, fewer of each
    expected = scan(hashes, q, max_distance)
    assert_same(index.search(q, max_distance, method="mih"), expected)
    assert_same(index.search(q, max_distance), expected)


def test_the_linear_scan_is_exact_too(
    index: PdqIndex, hashes: NDArray[np.uint8], queries: tuple[NDArray[np.uint8], NDArray[np.int64]]
) -> None:
    q = queries[0][::8]
    for max_distance in (0, 31, 100):
        assert_same(index.search(q, max_distance, method="linear"), scan(hashes, q, max_distance))
    assert index.search(q[:2], 256, method="linear").counts.tolist() == [ROWS, ROWS]


def test_longer_substrings_that_straddle_words_are_exact(
    hashes: NDArray[np.uint8], queries: tuple[NDArray[np.uint8], NDArray[np.int64]]
) -> None:
    # m=13: 20- and 19-bit substrings, some across a 64-bit word boundary, and at 31 six
    # of them probed at radius 2 (31 = 2*13 + 5). Large indexes get such plans.
    index = PdqIndex(hashes, m=13, threads=1)
    assert index.substring_bits == (20,) * 9 + (19,) * 4
    assert sorted(_mih.plan_for(ROWS, m=13).radii(31)) == [1] * 7 + [2] * 6
    q = queries[0][::2]
    for max_distance in (0, 12, 31):
        assert_same(index.search(q, max_distance, method="mih"), scan(hashes, q, max_distance))


def test_the_plan_follows_the_index_size() -> None:
    assert _mih.plan_for(50_000).m == 16
    assert _mih.plan_for(10_000_000).m < 16
    assert _mih.plan_for(10, m=16).m == 16
    # Every plan, at every distance, keeps the pigeonhole promise.
    for m in range(_mih.MIN_M, _mih.MAX_M + 1):
        plan = _mih.Plan.even(m)
        for d in range(0, 64):
            radii = plan.radii(d)
            # The smallest total distance that escapes every probe is sum(radius + 1).
            assert sum(r + 1 for r in radii) == d + 1


def test_threads_do_not_change_the_answer(
    index: PdqIndex, hashes: NDArray[np.uint8], queries: tuple[NDArray[np.uint8], NDArray[np.int64]]
) -> None:
    single = PdqIndex(hashes, threads=1)
    assert_same(single.search(queries[0], 31), index.search(queries[0], 31))


def test_an_empty_index_and_an_empty_batch_answer_nothing(tmp_path: Path, index: PdqIndex) -> None:
    empty = PdqIndex(np.empty((0, 32), np.uint8))
    result = empty.search(np.zeros((3, 32), np.uint8))
    assert len(result) == 3 and result.counts.tolist() == [0, 0, 0]
    assert list(result[1][0]) == []
    assert len(index.search(np.empty((0, 32), np.uint8))) == 0
    empty.save(tmp_path / "empty")
    loaded = PdqIndex.load(tmp_path / "empty")
    assert len(loaded) == 0 and loaded.search(np.zeros((1, 32), np.uint8)).counts.tolist() == [0]


def test_it_refuses_bad_input(index: PdqIndex) -> None:
    with pytest.raises(UsageError):
        index.search(np.zeros((2, 31), np.uint8))
    with pytest.raises(UsageError):
        index.search(np.zeros((2, 32), np.int64))  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        index.search(np.zeros((2, 32), np.uint8), 257)
    with pytest.raises(UsageError):
        index.search(np.zeros((2, 32), np.uint8), -1)
    with pytest.raises(UsageError):
        PdqIndex(np.zeros((2, 32), np.uint8), m=17)
    with pytest.raises(UsageError):  # 2^16 buckets a table: scan instead
        index.search(np.zeros((1, 32), np.uint8), 200, method="mih")


def test_a_saved_index_loads_memory_mapped_and_answers_the_same(
    tmp_path: Path,
    index: PdqIndex,
    queries: tuple[NDArray[np.uint8], NDArray[np.int64]],
) -> None:
    index.save(tmp_path / "idx")
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert manifest["count"] == ROWS and manifest["m"] == 16 and manifest["version"] == 1
    assert manifest["hashes_sha256"] == index.sha256
    expected = index.search(queries[0], 31)
    for mmap in (True, False):
        loaded = PdqIndex.load(tmp_path / "idx", mmap=mmap, verify=True)
        assert memory_mapped(loaded.hashes) == mmap
        assert not loaded.hashes.flags.writeable
        assert_same(loaded.search(queries[0], 31), expected)


def test_a_stale_index_is_refused(tmp_path: Path, hashes: NDArray[np.uint8]) -> None:
    small = hashes[:2000]
    PdqIndex(small).save(tmp_path / "idx")
    PdqIndex.load(tmp_path / "idx", hashes=small.copy())  # same bytes: fine
    changed = small.copy()
    changed[5, 0] ^= 1
    with pytest.raises(StaleIndexError):
        PdqIndex.load(tmp_path / "idx", hashes=changed)
    with pytest.raises(StaleIndexError):
        PdqIndex.load(tmp_path / "idx", hashes=hashes[:2001])


def test_build_or_load_rebuilds_only_when_the_hashes_change(
    tmp_path: Path, hashes: NDArray[np.uint8]
) -> None:
    folder = tmp_path / "idx"
    small = hashes[:3000]
    first = build_or_load(folder, small)
    inode = (folder / "ids.npy").stat().st_ino
    again = build_or_load(folder, small.copy())
    assert (folder / "ids.npy").stat().st_ino == inode  # loaded, not rebuilt
    assert_same(again.search(small[:50]), first.search(small[:50]))

    changed = small.copy()
    changed[10] = hashes[4000]
    rebuilt = build_or_load(folder, changed)
    assert (folder / "ids.npy").stat().st_ino != inode
    assert rebuilt.search(hashes[4000:4001], 0)[0][0].tolist() == [10]
    assert PdqIndex.load(folder).sha256 == rebuilt.sha256


def test_a_damaged_or_half_saved_index_is_refused_and_rebuilt(
    tmp_path: Path, hashes: NDArray[np.uint8]
) -> None:
    folder = tmp_path / "idx"
    small = hashes[:1000]
    PdqIndex(small).save(folder)
    np.save(folder / "ids.npy", np.zeros((16, 999), np.int32))
    with pytest.raises(IndexFormatError):
        PdqIndex.load(folder)
    (folder / "manifest.json").unlink()  # as an interrupted save leaves it
    with pytest.raises(IndexFormatError):
        PdqIndex.load(folder)
    assert build_or_load(folder, small).search(small[:1], 0)[0][0].tolist() == [0]
    assert PdqIndex.load(folder, hashes=small).m == 16
    with pytest.raises(IndexFormatError):
        PdqIndex.load(tmp_path / "nothing-here")
