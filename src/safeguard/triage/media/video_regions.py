"""Frame regions: finding altered copies of a known video that vPDQ misses.

A PDQ hash describes a whole picture: a logo over a third of the frame, a crop, bars
around a shrunken picture or a picture set inside another changes the whole-frame hash
beyond any threshold, and vPDQ then matches none of the frames. The copy still keeps most
of the picture. So each sampled frame is also described by PDQ hashes of its *regions*:

1. Uniform borders are trimmed first (letterbox and pillarbox bars, a frame of one
   colour): a row or column whose pixels and mean stay within a few grey levels of the
   outermost one is a bar, up to 40 % of the side.
2. On the trimmed frame (≤ 256 px on its long side) these regions are hashed:
   the whole frame; centred crops of 90, 80 and 70 %; a 3 × 3 grid of half-size windows
   at quarter steps; a 5 × 5 grid of third-size windows at sixth steps (38 in all).
   Regions below PDQ quality 50 (flat) are dropped, as vPDQ drops flat frames.

A query frame matches a known frame when, at PDQ distance ≤ the frame threshold,
- at least `QUORUM` (2) grid windows at the same place match — an overlay, wherever it
  is, leaves the windows it does not cover as they were; or
- one side's whole (trimmed) frame matches any region of the other — a crop of the
  known video (its whole frame is the known frame's centre), bars or a border trimmed
  (whole to whole), or the known video shrunk into a corner of another (picture in
  picture: one of its windows is the known whole frame).
The video rule is vPDQ's: the share of the query's frames that match (among those with a
usable region) must reach the video fraction (80 %). A match found this way is always
perceptual, never an identical file. docs/video.md gives the measured recall.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pdqhash
from numpy.typing import NDArray

from safeguard.triage.media import QUALITY_MIN

LAYOUT = "safeguard.regions-1"
HASH_BYTES = 32
# Long side of the frame the regions are cut from: a third of it still gives PDQ 85 px.
SIDE = 256
# A bar: every pixel of the line within this many grey levels of its mean, and its mean
# within as many of the outermost line's. At most this share of each side is trimmed.
_BAR_TOLERANCE = 6.0
_BAR_MAX = 0.4
# Same-place windows that must match for an overlaid frame to match.
QUORUM = 2
_WORDS = HASH_BYTES // 8
# Query × known region pairs compared at once (bounds the temporaries to ~16 MiB).
_MAX_CELLS = 1 << 21


def _boxes() -> list[tuple[float, float, float, float]]:
    """(left, top, right, bottom) of each region, as fractions of the trimmed frame."""
    boxes = [(0.0, 0.0, 1.0, 1.0)]
    boxes += [((1 - s) / 2, (1 - s) / 2, (1 + s) / 2, (1 + s) / 2) for s in (0.9, 0.8, 0.7)]
    boxes += [(x, y, x + 0.5, y + 0.5) for y in (0, 0.25, 0.5) for x in (0, 0.25, 0.5)]
    boxes += [(x / 6, y / 6, x / 6 + 1 / 3, y / 6 + 1 / 3) for y in range(5) for x in range(5)]
    return boxes


BOXES = _boxes()
WHOLE = 0
# Regions compared at the same place (the grids), as a mask over region numbers.
_GRID = np.zeros(len(BOXES), dtype=bool)
_GRID[4:] = True


class RegionFrame(NamedTuple):
    """One sampled frame's usable regions: region numbers, their PDQ hashes (N, 32), and
    the bars trimmed (left, top, right, bottom, in pixels of the frame hashed)."""

    timestamp: float
    regions: NDArray[np.int16]
    hashes: NDArray[np.uint8]
    trimmed: tuple[int, int, int, int]


def trim_bars(rgb: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], tuple[int, int, int, int]]:
    """The picture without uniform bars along its edges, and how many pixels each side
    lost (left, top, right, bottom). A picture that is nearly all bar is left whole."""
    luma = rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114
    height, width = luma.shape

    def bars(lines: NDArray[np.float64]) -> int:
        limit = int(len(lines) * _BAR_MAX)
        if limit == 0:
            return 0
        edge = float(lines[0].mean())
        spread = lines[:limit].max(axis=1) - lines[:limit].min(axis=1)
        means = lines[:limit].mean(axis=1)
        uniform = (spread <= 2 * _BAR_TOLERANCE) & (np.abs(means - edge) <= _BAR_TOLERANCE)
        return int(np.argmin(uniform)) if not uniform.all() else limit

    top, bottom = bars(luma), bars(luma[::-1])
    left, right = bars(luma.T), bars(luma.T[::-1])
    if height - top - bottom < height * 0.2 or width - left - right < width * 0.2:
        return rgb, (0, 0, 0, 0)
    return rgb[top:height - bottom, left:width - right], (left, top, right, bottom)


def region_frame(rgb: NDArray[np.uint8], timestamp: float) -> RegionFrame:
    """Hash the regions of one frame (RGB, at most SIDE px on its long side)."""
    picture, trimmed = trim_bars(rgb)
    height, width = picture.shape[:2]
    numbers: list[int] = []
    hashes: list[NDArray[np.uint8]] = []
    for number, (left, top, right, bottom) in enumerate(BOXES):
        part = picture[round(top * height):round(bottom * height),
                       round(left * width):round(right * width)]
        if min(part.shape[:2]) < 8:
            continue
        bits, quality = pdqhash.compute(np.ascontiguousarray(part))
        if quality >= QUALITY_MIN:
            numbers.append(number)
            hashes.append(np.packbits(np.asarray(bits, dtype=np.uint8)))
    stacked = np.array(hashes, dtype=np.uint8).reshape(-1, HASH_BYTES)
    return RegionFrame(timestamp, np.array(numbers, dtype=np.int16), stacked, trimmed)


# -- stored form ----------------------------------------------------------------------


def to_document(frames: Sequence[RegionFrame]) -> dict[str, object]:
    """The JSON-ready form: per frame, its time, trimmed bars and one hex string of
    three-digit region numbers followed by their hashes."""
    return {
        "layout": LAYOUT,
        "frames": [[f.timestamp, list(f.trimmed),
                    "".join(f"{int(n):03d}{h.tobytes().hex()}"
                            for n, h in zip(f.regions, f.hashes, strict=True))]
                   for f in frames],
    }


def from_document(document: object) -> list[RegionFrame]:
    """`to_document`'s inverse; ValueError for anything malformed."""
    if not isinstance(document, dict) or document.get("layout") != LAYOUT:
        raise ValueError(f"region hashes are not in the {LAYOUT} layout")
    frames = []
    step = 3 + 2 * HASH_BYTES
    for timestamp, trimmed, text in document["frames"]:
        if not isinstance(text, str) or len(text) % step:
            raise ValueError("malformed region hashes")
        numbers = [int(text[i:i + 3]) for i in range(0, len(text), step)]
        if any(not 0 <= n < len(BOXES) for n in numbers):
            raise ValueError("region number out of range")
        raw = bytes.fromhex("".join(text[i + 3:i + step] for i in range(0, len(text), step)))
        left, top, right, bottom = (int(v) for v in trimmed)
        frames.append(RegionFrame(float(timestamp), np.array(numbers, dtype=np.int16),
                                  np.frombuffer(raw, dtype=np.uint8).reshape(-1, HASH_BYTES),
                                  (left, top, right, bottom)))
    return frames


def dumps(frames: Sequence[RegionFrame]) -> str:
    return json.dumps(to_document(frames), separators=(",", ":"))


# -- matching -------------------------------------------------------------------------


class RegionMatch(NamedTuple):
    """The share of the query's frames (with a usable region) that match some frame of
    the known video by their regions, and the median distance of the matching pairs."""

    fraction: float
    median_distance: float


def match_regions(query: Sequence[RegionFrame], known: Sequence[RegionFrame],
                  threshold: int) -> RegionMatch:
    """How far the query's frames match the known video's, by the rule above."""
    frames = [f for f in query if len(f.regions)]
    known = [f for f in known if len(f.regions)]
    if not frames or not known:
        return RegionMatch(0.0, 0.0)
    q_frame, q_region, q_words = _flatten(frames)
    k_frame, k_region, k_words = _flatten(known)
    matched = np.zeros(len(frames), dtype=bool)
    best = np.full(len(frames), 257, dtype=np.int32)
    rows = max(1, _MAX_CELLS // len(k_words))
    for top in range(0, len(q_words), rows):
        part = q_words[top:top + rows]
        distances = np.zeros((len(part), len(k_words)), dtype=np.uint16)
        for w in range(_WORDS):
            distances += np.bitwise_count(part[:, w, None] ^ k_words[None, :, w])
        qi, ki = np.nonzero(distances <= threshold)
        if not len(qi):
            continue
        found = distances[qi, ki].astype(np.int32)
        qi = qi + top
        a, b = q_region[qi], k_region[ki]
        framed = (a == WHOLE) | (b == WHOLE)
        same = (a == b) & _GRID[a]
        # Whole-frame pairs match their query frame outright.
        for frame, distance in zip(q_frame[qi[framed]], found[framed], strict=True):
            matched[frame] = True
            best[frame] = min(best[frame], distance)
        # Same-place window pairs count per (query frame, known frame).
        if same.any():
            keys = q_frame[qi[same]].astype(np.int64) * len(known) + k_frame[ki[same]]
            unique, counts = np.unique(keys, return_counts=True)
            for key in unique[counts >= QUORUM]:
                frame = int(key // len(known))
                matched[frame] = True
                mask = keys == key
                best[frame] = min(best[frame], int(found[same][mask].min()))
    fraction = float(matched.mean())
    median = float(np.median(best[matched])) if matched.any() else 0.0
    return RegionMatch(fraction, median)


def _flatten(frames: Sequence[RegionFrame]) -> tuple[NDArray[np.int32], NDArray[np.int16],
                                                     NDArray[np.uint64]]:
    """Every region of every frame, one row each: its frame's position, its region
    number, and its hash as four 64-bit words."""
    owner = np.concatenate([np.full(len(f.regions), i, dtype=np.int32)
                            for i, f in enumerate(frames)])
    regions = np.concatenate([f.regions for f in frames])
    hashes = np.ascontiguousarray(np.concatenate([f.hashes for f in frames]))
    return owner, regions, hashes.view(np.uint64).reshape(len(hashes), _WORDS)
