"""Multi-index hashing for 256-bit hashes: substring plans and the compiled kernels.

`pdq_index.py` is the public face; this module holds the parts that decide speed. A 256-bit
hash is four uint64 words; a *plan* cuts those 256 bits into m contiguous substrings, and
each substring has a table: a CSR array of `offsets` (one slot per possible substring
value, plus one) over the row numbers sorted by that substring's value.

Exactness is the pigeonhole principle (Norouzi, Punjani and Fleet, "Fast exact search in
Hamming space with multi-index hashing", 2014). Write the search radius as
D = q·m + a with 0 ≤ a < m. If every one of a+1 chosen substrings differed in more than q
bits and each of the other m-a-1 in more than q-1, the whole hash would differ in at least
(a+1)(q+1) + (m-a-1)q = D+1 bits. So a hash within D of the query agrees within q bits
on one of the chosen substrings or within q-1 on one of the others: probing, per table,
every bucket within that radius of the query's substring finds every match. At m=16 and
D=31 that is radius 1 on all sixteen 16-bit substrings: 16 × 17 = 272 buckets.

The kernels are numba functions that release the GIL, so `pdq_index.py` runs them on a plain
thread pool, one chunk of queries (or one table, at build) per task.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

BITS = 256
WORDS = BITS // 64
# Substrings longer than this would need offsets arrays (4 bytes a slot) of 128 MiB and
# more per table, for indexes (a few hundred million hashes) this module is not sized for.
MAX_SUBSTRING_BITS = 24
# Fewer substrings than 16 pay once the index is large (plan_for); fewer than 11 would
# need substrings over MAX_SUBSTRING_BITS. More than 16 would mean substrings under 16
# bits, whose buckets fill up at any size worth indexing.
MIN_M, MAX_M = 11, 16
DEFAULT_M = 16

# Probing is refused past this many buckets a query (its flip masks alone would take
# memory); by then a linear scan is far cheaper anyway, and "auto" has chosen it.
MAX_PROBES = 1 << 18

# Rough costs, in nanoseconds on one core, for choosing between plans and between probing
# and a linear scan; fitted to bench/pdq_index.py on the development machine (2-core AMD
# EPYC VM): a row fetched at random from an array far larger than the caches, ~15 ns all
# told; one hash of a linear scan, ~1.5 ns a query. Only ratios matter, and only near a tie.
_RANDOM_NS = 15.0
_PROBE_NS = 2 * _RANDOM_NS  # an offsets slot, then the start of its bucket
_LINEAR_NS = 1.5

_F = TypeVar("_F", bound=Callable[..., Any])


def _kernel(fn: _F) -> _F:
    # cache=True keeps the machine code beside this module so later processes skip the
    # compile (seconds); nogil=True lets the thread pool in pdq_index.py use every core.
    return cast(_F, numba.njit(cache=True, nogil=True)(fn))


def _inline(fn: _F) -> _F:
    return cast(_F, numba.njit(cache=True, nogil=True, inline="always")(fn))


@dataclass(frozen=True)
class Plan:
    """How the 256 bits are cut: substring lengths, in order from bit 0 of word 0."""

    bits: tuple[int, ...]

    def __post_init__(self) -> None:
        if sum(self.bits) != BITS or not all(1 <= b <= MAX_SUBSTRING_BITS for b in self.bits):
            raise ValueError(f"substring lengths must be 1..{MAX_SUBSTRING_BITS} and sum to 256")

    @classmethod
    def even(cls, m: int) -> Plan:
        """m substrings as equal as possible, the longer ones first."""
        short, extra = divmod(BITS, m)
        return cls(tuple(short + 1 if j < extra else short for j in range(m)))

    @property
    def m(self) -> int:
        return len(self.bits)

    @property
    def starts(self) -> NDArray[np.int64]:
        return np.concatenate([[0], np.cumsum(self.bits)[:-1]]).astype(np.int64)

    @property
    def table_starts(self) -> NDArray[np.int64]:
        """Where each table's offsets begin in the one flat offsets array (2^b + 1 each)."""
        sizes = [(1 << b) + 1 for b in self.bits]
        return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    def radii(self, max_distance: int) -> tuple[int, ...]:
        """Per-table probe radius for an exact search within max_distance; -1: not probed.

        The a+1 tables probed at the larger radius are the longest substrings, since a
        longer substring's buckets hold fewer rows for the same radius.
        """
        q, a = divmod(max_distance, self.m)
        longest = sorted(range(self.m), key=lambda j: (-self.bits[j], j))[: a + 1]
        return tuple(q if j in longest else q - 1 for j in range(self.m))

    def probes(self, max_distance: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Flip masks for every probed table (flat) and each table's slice of them."""
        radii = self.radii(max_distance)
        parts = [_masks(b, r) for b, r in zip(self.bits, radii, strict=True)]
        bounds = np.concatenate([[0], np.cumsum([len(p) for p in parts])]).astype(np.int64)
        return np.concatenate(parts).astype(np.int64), bounds

    def probe_count(self, max_distance: int) -> int:
        """Buckets probed per query."""
        return sum(_ball(b, r) for b, r in zip(self.bits, self.radii(max_distance), strict=True))

    def cost_ns(self, count: int, max_distance: int) -> float:
        """Estimated time of one query by probing, for `count` uniformly spread hashes."""
        total = 0.0
        for b, r in zip(self.bits, self.radii(max_distance), strict=True):
            buckets = _ball(b, r)
            total += buckets * _PROBE_NS + count * buckets / 2.0**b * _RANDOM_NS
        return total


def linear_cost_ns(count: int) -> float:
    return count * _LINEAR_NS


def plan_for(count: int, m: int | None = None) -> Plan:
    """The plan for an index of `count` hashes: m as given, else the cheapest at D=31.

    Norouzi et al. put the best substring length near log2(count): longer substrings
    mean emptier buckets, so fewer rows to check per query. The price is the offsets
    array (4 bytes per possible substring value), so a plan is only considered while its
    offsets weigh no more than the rest of the index (hashes and row numbers): memory
    stays within twice the minimum. m=16 is always allowed.
    """
    if m is not None:
        if not MIN_M <= m <= MAX_M:
            raise ValueError(f"m must be {MIN_M}..{MAX_M}")
        return Plan.even(m)
    best = Plan.even(DEFAULT_M)
    for candidate in range(MAX_M - 1, MIN_M - 1, -1):
        plan = Plan.even(candidate)
        if int(plan.table_starts[-1]) * 4 > count * (4 * plan.m + 32):
            break
        if plan.cost_ns(count, 31) < best.cost_ns(count, 31):
            best = plan
    return best


def _ball(bits: int, radius: int) -> int:
    return sum(math.comb(bits, k) for k in range(0, min(radius, bits) + 1)) if radius >= 0 else 0


@functools.lru_cache(maxsize=64)
def _masks(bits: int, radius: int) -> NDArray[np.int64]:
    """Every `bits`-bit value of popcount ≤ radius (none when radius < 0), nearest first."""
    masks = [
        sum(1 << i for i in combo)
        for k in range(0, min(radius, bits) + 1)
        for combo in itertools.combinations(range(bits), k)
    ]
    out = np.array(masks, dtype=np.int64)
    out.flags.writeable = False
    return out


# --- kernels -----------------------------------------------------------------------------
# Rows are read as four native uint64 words; the index refuses big-endian machines, so the
# substring values match between build, search and a saved index.


@_inline
def _popcount(x: np.uint64) -> int:
    # The textbook SWAR count: LLVM turns it into one POPCNT instruction.
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return int((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@_inline
def _substring(
    w0: np.uint64, w1: np.uint64, w2: np.uint64, w3: np.uint64, start: int, length: int
) -> int:
    """Bits [start, start+length) of the hash, bit 0 being the low bit of word 0."""
    word = start >> 6
    shift = start & 63
    low = w0 if word == 0 else (w1 if word == 1 else (w2 if word == 2 else w3))
    value = low >> np.uint64(shift)
    if shift + length > 64:
        high = w1 if word == 0 else (w2 if word == 1 else w3)
        value |= high << np.uint64(64 - shift)
    return int(value & np.uint64((1 << length) - 1))


@_kernel
def build_table(
    words: NDArray[np.uint64],
    start: int,
    length: int,
    offsets: NDArray[np.int32],
    ids: NDArray[np.int32],
) -> None:
    """Fill one table: a counting sort of the rows by their substring value (stable)."""
    n = words.shape[0]
    offsets[:] = 0
    for i in range(n):
        key = _substring(words[i, 0], words[i, 1], words[i, 2], words[i, 3], start, length)
        offsets[key + 1] += 1
    for k in range(1, offsets.shape[0]):
        offsets[k] += offsets[k - 1]
    cursor = offsets[:-1].copy()
    for i in range(n):
        key = _substring(words[i, 0], words[i, 1], words[i, 2], words[i, 3], start, length)
        ids[cursor[key]] = i
        cursor[key] += 1


@_kernel
def _grow(
    out_q: NDArray[np.int64],
    out_id: NDArray[np.int64],
    out_d: NDArray[np.int32],
    n: int,
    needed: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int32]]:
    """The output arrays, reallocated if they cannot hold `needed` matches (n kept)."""
    if needed <= out_q.shape[0]:
        return out_q, out_id, out_d
    size = max(needed, 2 * out_q.shape[0])
    new_q = np.empty(size, np.int64)
    new_id = np.empty(size, np.int64)
    new_d = np.empty(size, np.int32)
    new_q[:n] = out_q[:n]
    new_id[:n] = out_id[:n]
    new_d[:n] = out_d[:n]
    return new_q, new_id, new_d


@_kernel
def search_mih(
    words: NDArray[np.uint64],
    ids: NDArray[np.int32],
    offsets: NDArray[np.int32],
    table_starts: NDArray[np.int64],
    starts: NDArray[np.int64],
    lengths: NDArray[np.int64],
    radii: NDArray[np.int64],
    masks: NDArray[np.int64],
    mask_bounds: NDArray[np.int64],
    queries: NDArray[np.uint64],
    first: int,
    stop: int,
    max_distance: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int32]]:
    """Matches of queries[first:stop]: (query number, row, distance), unordered."""
    m = starts.shape[0]
    out_q = np.empty(max(64, 4 * (stop - first)), np.int64)
    out_id = np.empty(out_q.shape[0], np.int64)
    out_d = np.empty(out_q.shape[0], np.int32)
    n = 0
    most = 1
    for j in range(m):
        most = max(most, mask_bounds[j + 1] - mask_bounds[j])
    lo = np.empty(most, np.int64)
    hi = np.empty(most, np.int64)
    rows = np.empty(4096, np.int32)
    block = np.empty((4096, WORDS), np.uint64)
    dist = np.empty(4096, np.int64)
    for qn in range(first, stop):
        a0, a1, a2, a3 = queries[qn, 0], queries[qn, 1], queries[qn, 2], queries[qn, 3]
        for j in range(m):
            first_mask, last_mask = mask_bounds[j], mask_bounds[j + 1]
            if first_mask == last_mask:
                continue
            base = table_starts[j]
            value = _substring(a0, a1, a2, a3, starts[j], lengths[j])
            # Separate passes, each a tight loop over independent loads, so the CPU keeps
            # many cache misses in flight: bucket bounds, row numbers, then the rows. Mixing
            # the distance and the bookkeeping into the loop that fetches rows was measured
            # at half the speed (fewer misses overlap).
            total = 0
            for t in range(last_mask - first_mask):
                key = value ^ masks[first_mask + t]
                lo[t] = offsets[base + key]
                hi[t] = offsets[base + key + 1]
                total += hi[t] - lo[t]
            if total > rows.shape[0]:
                size = max(total, 2 * rows.shape[0])
                rows = np.empty(size, np.int32)
                block = np.empty((size, WORDS), np.uint64)
                dist = np.empty(size, np.int64)
            c = 0
            for t in range(last_mask - first_mask):
                for p in range(lo[t], hi[t]):
                    rows[c] = ids[j, p]
                    c += 1
            for c in range(total):
                i = rows[c]
                block[c, 0] = words[i, 0]
                block[c, 1] = words[i, 1]
                block[c, 2] = words[i, 2]
                block[c, 3] = words[i, 3]
            for c in range(total):
                dist[c] = (
                    _popcount(block[c, 0] ^ a0)
                    + _popcount(block[c, 1] ^ a1)
                    + _popcount(block[c, 2] ^ a2)
                    + _popcount(block[c, 3] ^ a3)
                )
            # Arrays are only ever reassigned outside the loops over rows: numba adds
            # reference counting around reassignment, which costs ~30 ns an iteration.
            hits = 0
            for c in range(total):
                hits += dist[c] <= max_distance
            if hits == 0:
                continue
            out_q, out_id, out_d = _grow(out_q, out_id, out_d, n, n + hits)
            for c in range(total):
                if dist[c] > max_distance:
                    continue
                # A match is also in the buckets of any earlier table whose substring is
                # within that table's radius: report it only from the first such table, so
                # no query sees a row twice and no per-query "seen" set is needed.
                b0, b1, b2, b3 = block[c, 0], block[c, 1], block[c, 2], block[c, 3]
                seen = False
                for k in range(j):
                    if radii[k] < 0:
                        continue
                    ours = _substring(b0, b1, b2, b3, starts[k], lengths[k])
                    theirs = _substring(a0, a1, a2, a3, starts[k], lengths[k])
                    if _popcount(np.uint64(ours ^ theirs)) <= radii[k]:
                        seen = True
                        break
                if not seen:
                    out_q[n] = qn
                    out_id[n] = rows[c]
                    out_d[n] = dist[c]
                    n += 1
    return out_q[:n], out_id[:n], out_d[:n]


@_kernel
def search_linear(
    words: NDArray[np.uint64],
    queries: NDArray[np.uint64],
    first: int,
    stop: int,
    max_distance: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int32]]:
    """Every row against queries[first:stop], in blocks of rows that stay in L2."""
    count = words.shape[0]
    out_q = np.empty(max(64, 4 * (stop - first)), np.int64)
    out_id = np.empty(out_q.shape[0], np.int64)
    out_d = np.empty(out_q.shape[0], np.int32)
    n = 0
    block = 4096
    for row0 in range(0, count, block):
        row1 = min(count, row0 + block)
        for qn in range(first, stop):
            a0, a1, a2, a3 = queries[qn, 0], queries[qn, 1], queries[qn, 2], queries[qn, 3]
            # Count first, with nothing else in the loop; matches are rare, so going over
            # the block again to record them costs little.
            hits = 0
            for i in range(row0, row1):
                d = (
                    _popcount(words[i, 0] ^ a0)
                    + _popcount(words[i, 1] ^ a1)
                    + _popcount(words[i, 2] ^ a2)
                    + _popcount(words[i, 3] ^ a3)
                )
                hits += d <= max_distance
            if hits == 0:
                continue
            out_q, out_id, out_d = _grow(out_q, out_id, out_d, n, n + hits)
            for i in range(row0, row1):
                d = (
                    _popcount(words[i, 0] ^ a0)
                    + _popcount(words[i, 1] ^ a1)
                    + _popcount(words[i, 2] ^ a2)
                    + _popcount(words[i, 3] ^ a3)
                )
                if d <= max_distance:
                    out_q[n] = qn
                    out_id[n] = i
                    out_d[n] = d
                    n += 1
    return out_q[:n], out_id[:n], out_d[:n]
