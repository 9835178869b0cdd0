"""Carving one space: find headers, measure each candidate, keep only what decodes, and
put a JPEG split in two back together.

Cheap checks first, decoding last: the header search looks at one cache line a sector
(signatures.find_headers), a candidate's structure is walked to its end (JPEG markers,
PNG chunks and their CRCs, GIF blocks, RIFF and ISO box sizes), and only a candidate
whose structure is whole is decoded (validate.py), in a pool of threads while the search
goes on (FFmpeg, Pillow and numpy work without Python's lock). Nothing broken is
counted. A header inside an item whose structure is whole is skipped; if that item then
fails to decode, the headers inside it are looked at after all.

A JPEG that breaks (foreign data where its scan data should go) is the fragmentation
case of the DFRWS 2006/2007 challenges: its first fragment ends at a sector boundary
before the break, and its second is the tail of an end marker that no other picture
claims. Pairs of cut points near the break and near the tail's start are tried, nearest
first, and the first join that FFmpeg decodes with every error fatal is kept (a join a
sector off desynchronises the Huffman decoding and fails).
"""

from __future__ import annotations

import bisect
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .signatures import (
    JPEG,
    SECTOR,
    Measure,
    find_headers,
    jpeg_end,
    measure,
    scan_damage_before,
)
from .space import Space
from .validate import strict_jpeg, valid

# Bytes looked at per step of the header search (a whole number of sectors), and steps
# searched ahead of the candidates being measured.
STEP = 16 * 1024 * 1024
_AHEAD = 4
# Threads searching and decoding: the machine's cores, up to 4.
WORKERS = min(4, os.cpu_count() or 1)
# Candidates read and waiting for their decoding at once, and their bytes at most.
_PENDING = 64
_PENDING_BYTES = 256 * 1024 * 1024
# Cut points tried on each side of a fragmented JPEG's join, in sectors: foreign data
# in entropy-coded data is noticed within a few hundred bytes, so the head's cut is near.
_HEAD_CUTS = 4
_CUTS = 8
# How far past a broken JPEG its second fragment is looked for, a window at a time.
_TAIL_SEARCH = 16 * 1024 * 1024
_TAIL_WINDOW = 1024 * 1024
_EOI = b"\xff\xd9"
# End markers tried as a broken JPEG's tail, nearest first.
_TAILS = 2


@dataclass(frozen=True, slots=True)
class Carved:
    """A recovered item: its kind, and its bytes as (virtual offset, length) pieces."""

    kind: str
    pieces: tuple[tuple[int, int], ...]
    data: bytes


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: str
    start: int
    data: bytes
    decodes: Future[bool]


def carve(space: Space, *, workers: int = WORKERS) -> Iterator[Carved]:
    """The items recovered from `space`, in the order of their offsets (joined JPEGs
    last)."""
    with ThreadPoolExecutor(max(workers, 1), thread_name_prefix="carve") as pool:
        carving = _Carving(space, pool)
        yield from carving.run(_headers(space, pool))
        # Items whose structure was whole but that did not decode: look inside them.
        while carving.failed:
            start, end = carving.failed.pop(0)
            block = space.read(start + SECTOR, end - start - SECTOR)
            block = block[:len(block) - len(block) % SECTOR]
            inner = [(start + SECTOR + offset, kind) for offset, kind in find_headers(block)]
            yield from carving.run(iter(inner))
        claimed = _Claimed(carving.claimed)
        joins = [pool.submit(_join_fragments, space, start, found, claimed)
                 for start, found in carving.broken]
        for future in joins:
            repaired = future.result()
            if repaired is not None:
                yield repaired


def _headers(space: Space, pool: ThreadPoolExecutor) -> Iterator[tuple[int, str]]:
    """(virtual offset, kind) of every header in the space, in order: the blocks are
    searched in the pool (numpy lets go of Python's lock), a few ahead of the caller."""
    ahead: deque[Future[list[tuple[int, str]]]] = deque()
    for block in space.blocks(STEP):
        ahead.append(pool.submit(_search, space, *block))
        if len(ahead) > _AHEAD:
            yield from ahead.popleft().result()
    while ahead:
        yield from ahead.popleft().result()


def _search(space: Space, data: np.ndarray, at: int, in_volume: bool) -> list[tuple[int, str]]:
    found = []
    for offset, kind in find_headers(data):
        virtual = space.locate(at + offset) if in_volume else at + offset
        if virtual is not None:
            found.append((virtual, kind))
    return found


class _Carving:
    """The state of one pass: items kept, candidates decoding, and what failed."""

    def __init__(self, space: Space, pool: ThreadPoolExecutor) -> None:
        self.space = space
        self.pool = pool
        self.claimed: list[tuple[int, int]] = []  # [start, end) of items kept
        self.failed: list[tuple[int, int]] = []
        self.broken: list[tuple[int, Measure]] = []

    def run(self, headers: Iterable[tuple[int, str]]) -> Iterator[Carved]:
        pending: deque[_Candidate] = deque()
        waiting = 0
        carry_until = 0
        for start, kind in headers:
            if start < carry_until:
                continue  # inside an item whose structure is whole
            found = measure(kind, self.space.read, start)
            if found.length <= 0:
                if kind == JPEG and found.scan > 0:
                    self.broken.append((start, found))
                continue
            data = self.space.read(start, found.length)
            if len(data) != found.length:
                continue
            carry_until = start + found.length
            pending.append(_Candidate(kind, start, data, self.pool.submit(valid, kind, data)))
            waiting += len(data)
            while len(pending) > _PENDING or (waiting > _PENDING_BYTES and len(pending) > 1):
                done = pending.popleft()
                waiting -= len(done.data)
                yield from self._finish(done)
        while pending:
            yield from self._finish(pending.popleft())

    def _finish(self, candidate: _Candidate) -> Iterator[Carved]:
        end = candidate.start + len(candidate.data)
        if candidate.decodes.result():
            self.claimed.append((candidate.start, end))
            yield Carved(candidate.kind, ((candidate.start, len(candidate.data)),),
                         candidate.data)
        elif len(candidate.data) > SECTOR:
            self.failed.append((candidate.start, end))


class _Claimed:
    """The bytes held by the items kept: merged [start, end) runs, looked up by bisection."""

    def __init__(self, runs: list[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(runs):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def holds(self, position: int) -> bool:
        index = bisect.bisect_right(self._starts, position) - 1
        return index >= 0 and position < self._ends[index]

    def first_start(self, after: int, until: int) -> int | None:
        """The start of the first kept item that starts in (after, until], if any."""
        index = bisect.bisect_right(self._starts, after)
        return self._starts[index] if index < len(self._starts) \
            and self._starts[index] <= until else None

    def past(self, position: int) -> int:
        """`position`, or the end of the kept item that holds it."""
        index = bisect.bisect_right(self._starts, position) - 1
        return self._ends[index] if index >= 0 and position < self._ends[index] else position


def _join_fragments(space: Space, start: int, found: Measure,
                    claimed: _Claimed) -> Carved | None:
    """A JPEG broken at `found.broken`: its head up to a cut near the break, joined to
    the tail of the nearest end marker after it that no kept item holds and that joins."""
    brk = start + found.broken
    after = bytearray()
    search = 0
    tries = 0
    while tries < _TAILS:
        eoi = after.find(_EOI, search)
        if eoi < 0:
            # Read on, a window at a time: the second fragment is usually near.
            if len(after) >= _TAIL_SEARCH:
                break
            more = space.read(brk + len(after), _TAIL_WINDOW)
            if not more:
                break
            search = max(len(after) - 1, 0)
            after += more
            continue
        search = eoi + 2
        end = brk + eoi + 2
        if claimed.holds(end - 1):
            continue
        tries += 1
        damage = scan_damage_before(after, eoi)
        tail_from = brk + damage + 1 if damage >= 0 else brk
        joined = _best_join(space, start, brk, tail_from, end, claimed)
        if joined is not None:
            # The nearest tail that joins: file systems allocate forwards, and two
            # pictures from one camera share their tables, so a farther one may join too.
            return joined
    return None


def _best_join(space: Space, start: int, brk: int, tail_from: int, end: int,
               claimed: _Claimed) -> Carved | None:
    first_cut = brk - brk % SECTOR  # the sector the foreign data began in, or before
    heads = [c for c in range(first_cut, first_cut - _HEAD_CUTS * SECTOR, -SECTOR)
             if c > start + found_min_head()]
    # A kept item that starts inside the head's scan data is where the head ends, however
    # late the damage was noticed (an uncompressed BMP can pass for scan data for a while).
    foreign = claimed.first_start(start + found_min_head(), brk)
    if foreign is not None and foreign % SECTOR == 0 and foreign not in heads:
        heads.insert(0, foreign)
    # A kept item between the fragments (a picture written into the gap) may itself look
    # like scan data for most of its length, so the damage is seen well before its end:
    # the tail starts after it.
    tail_cut = -(-claimed.past(-(-tail_from // SECTOR) * SECTOR) // SECTOR) * SECTOR
    # Candidate starts of the tail: the first sectors after the damage that are not
    # zeros (scan data never holds a sector of zeros: that is padding to the end of the
    # foreign file's last cluster) and that no kept item holds.
    window = space.read(tail_cut, min(max(end - tail_cut, 0), (_CUTS + 64) * SECTOR))
    tails = [c for c in range(tail_cut, min(end, tail_cut + len(window)), SECTOR)
             if window[c - tail_cut:c - tail_cut + SECTOR].strip(b"\x00")
             and not claimed.holds(c)][:_CUTS]
    head_data = space.read(start, first_cut - start) if heads else b""
    base = tails[0] if tails else end
    tail_data = space.read(base, end - base)
    for cut in heads:
        head = head_data[:cut - start]
        for tail in tails:
            if tail < cut:
                continue
            data = head + tail_data[tail - base:]
            measured = jpeg_end(data)
            if measured is None or measured.length != len(data):
                continue
            # Nearest cuts first: the first join FFmpeg decodes without an error is kept.
            if strict_jpeg(data):
                return Carved(JPEG, ((start, cut - start), (tail, end - tail)), data)
    return None


def found_min_head() -> int:
    """The shortest first fragment worth joining: a JPEG's headers alone are ~600 bytes."""
    return 2 * SECTOR
