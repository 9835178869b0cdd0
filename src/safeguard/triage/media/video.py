"""vPDQ-style video signatures: a PDQ hash of one frame a second, decoded with PyAV.

    signature = video_signature(path_or_file)                  # about one frame a second
    text = signature.to_json()                                 # the stored form
    for key, fraction, median in match_videos(signature, known_videos): ...

A video is a bag of frame hashes (Meta's vPDQ): frames match at PDQ distance ≤ 31, and a
query video matches an indexed video when ≥ 80 % of its usable (quality ≥ 50) distinct
frame hashes match some usable frame of that video. Timestamps are kept for reports
("matched from 0:12 to 0:40") but take no part in matching, so a trimmed excerpt of a known
video matches it. docs/video.md gives the rule, the stored form and the limits.

Damage is reported, not hidden: input that FFmpeg cannot open or that yields no frame
raises `MediaError`; a video that breaks after some frames decoded returns the frames it
had, with `warnings` saying what went wrong, so the run goes on and the report says so.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import BinaryIO, Generic, NamedTuple, TypeVar

import av
import av.container
import av.stream
import av.video
import numpy as np
import pdqhash
from numpy.typing import NDArray

from safeguard.triage.errors import HashSetError, MediaError, NotThisFormat, UsageError
from safeguard.triage.media import MATCH_DISTANCE, QUALITY_MIN, VIDEO_FRACTION, video_regions
from safeguard.triage.media.video_regions import RegionFrame

NAME = "vpdq"
FORMAT = "safeguard.vpdq"
VERSION = 1
HASH_BYTES = 32
DEFAULT_SECONDS_PER_FRAME = 1.0
DEFAULT_FRAME_THRESHOLD = MATCH_DISTANCE
DEFAULT_VIDEO_FRACTION = VIDEO_FRACTION
# PDQ's own rule (domain.md): below this a hash describes a flat, featureless picture (a
# black frame, a fade) that would "match" every other flat picture.
MIN_QUALITY = QUALITY_MIN
# PDQ reduces every picture to 64×64 anyway; the reference first brings it to ≤ 512 px, and
# converting a full-size frame to RGB would cost more than hashing it.
MAX_SIDE = 512
# Frame times are rounded to the millisecond when stored, so sampling compares with slack.
_EPS = 1e-6
# Cells of the query × candidate distance table computed at once: bounds the temporary
# arrays to ~16 MiB whatever the sizes of the videos.
_MAX_CELLS = 1 << 21
_WORDS = HASH_BYTES // 8

K = TypeVar("K")
Source = str | os.PathLike[str] | BinaryIO
HashArray = NDArray[np.uint8]


class VideoFrame(NamedTuple):
    """One sampled frame: seconds from the video's start, 32-byte PDQ hash, quality 0–100."""

    timestamp: float
    pdq: bytes
    quality: int

    @property
    def usable(self) -> bool:
        """False for near-featureless frames, which are kept (for the record) but never matched."""
        return self.quality >= MIN_QUALITY

    @property
    def hex(self) -> str:
        """The hash as the 64 hex digits the reference PDQ tools print."""
        return self.pdq.hex()


@dataclass(frozen=True)
class VideoSignature:
    """The vPDQ signature of one video stream, and what is known about where it came from."""

    frames: list[VideoFrame]
    duration: float | None
    codec: str
    container: str
    width: int
    height: int
    seconds_per_frame: float = DEFAULT_SECONDS_PER_FRAME
    warnings: list[str] = field(default_factory=list)
    # Region hashes of the same frames (video_regions.py), when asked for. Not compared:
    # they are numpy arrays, and the frame hashes already say whether two are the same.
    regions: list[RegionFrame] | None = field(default=None, compare=False)

    @property
    def usable_frames(self) -> list[VideoFrame]:
        return [f for f in self.frames if f.usable]

    @property
    def complete(self) -> bool:
        """False when decoding hit damage: the signature covers only part of the video."""
        return not self.warnings

    def hashes(self, *, usable_only: bool = True) -> HashArray:
        """The frame hashes as an (N, 32) uint8 array, one row a frame, in time order."""
        frames = self.usable_frames if usable_only else self.frames
        joined = b"".join(f.pdq for f in frames)
        return np.frombuffer(joined, dtype=np.uint8).reshape(len(frames), HASH_BYTES).copy()

    def to_json(self) -> str:
        """The stored form: compact JSON, one value per video (docs/video.md)."""
        document = {
            "format": FORMAT,
            "version": VERSION,
            "seconds_per_frame": self.seconds_per_frame,
            "duration": self.duration,
            "codec": self.codec,
            "container": self.container,
            "width": self.width,
            "height": self.height,
            "warnings": self.warnings,
            "vpdq": [[f.timestamp, f.hex, f.quality] for f in self.frames],
        }
        if self.regions is not None:
            document["regions"] = video_regions.to_document(self.regions)
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> VideoSignature:
        """Read `to_json`'s form back; anything malformed raises `HashSetError`."""
        try:
            document = json.loads(text)
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} document")
            if document.get("version") != VERSION:
                raise ValueError(f"unsupported version {document.get('version')!r}")
            frames = [_frame(ts, hex_, q) for ts, hex_, q in document["vpdq"]]
            duration = document["duration"]
            return cls(
                frames=frames,
                duration=None if duration is None else float(duration),
                codec=str(document["codec"]),
                container=str(document["container"]),
                width=int(document["width"]),
                height=int(document["height"]),
                seconds_per_frame=float(document["seconds_per_frame"]),
                warnings=[str(w) for w in document["warnings"]],
                regions=(video_regions.from_document(document["regions"])
                         if "regions" in document else None),
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise HashSetError(f"malformed vPDQ signature: {exc}") from exc

    def to_vpdq_text(self) -> str:
        """Meta's vpdq tools' file form: `frame_number,quality,pdq_hex,timestamp` lines.

        For exchange only: it drops the duration, codec and warnings, so frame numbers here
        are sample numbers, not the video's own frame numbers (which a decoder can't vouch for).
        """
        return "".join(
            f"{n},{f.quality},{f.hex},{f.timestamp:.3f}\n" for n, f in enumerate(self.frames)
        )

    @classmethod
    def from_vpdq_text(cls, text: str) -> VideoSignature:
        """Read Meta's vpdq line form; what it doesn't carry is left empty."""
        frames = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            fields = line.split(",")
            if len(fields) < 4:
                raise HashSetError(f"vPDQ line {number}: expected 4 fields, got {line!r}")
            try:
                frames.append(_frame(fields[3], fields[2].strip(), fields[1]))
            except ValueError as exc:
                raise HashSetError(f"vPDQ line {number}: {exc}") from exc
        if not frames:
            raise HashSetError("vPDQ text holds no frame")
        return cls(frames=frames, duration=None, codec="", container="", width=0, height=0)


def _frame(timestamp: object, hex_: object, quality: object) -> VideoFrame:
    if not isinstance(hex_, str) or len(hex_) != 2 * HASH_BYTES:
        raise ValueError(f"a PDQ hash is {2 * HASH_BYTES} hex digits, got {hex_!r}")
    q = int(str(quality))
    if not 0 <= q <= 100:
        raise ValueError(f"quality {q} outside 0..100")
    ts = float(str(timestamp))
    if not math.isfinite(ts):
        raise ValueError(f"timestamp {ts} is not a number")
    return VideoFrame(ts, bytes.fromhex(hex_), q)


# -- computing ------------------------------------------------------------------------


def video_signature(
    source: Source,
    *,
    seconds_per_frame: float = DEFAULT_SECONDS_PER_FRAME,
    max_frames: int | None = None,
    regions: bool = False,
) -> VideoSignature:
    """Hash the first frame at or after every `seconds_per_frame` of the first video stream;
    with `regions`, the regions of each of those frames too (video_regions.py), which
    find altered copies (overlays, crops, bars, picture in picture) that vPDQ misses.

    `source` is a path or a readable binary file object (a file inside an archive or a disk
    image), seekable where the format needs it (an MP4 whose index is at its end). The
    decode is sequential, never seeking: seeking lands on key frames, which would make the
    sampled frames depend on how the video was encoded.
    Raises `MediaError` when nothing can be decoded, `NotThisFormat` when the container
    holds no moving-picture stream (audio, even with cover art), `UsageError` for bad
    arguments. Damage after the first frame gives a partial signature with `warnings`.
    """
    if not (math.isfinite(seconds_per_frame) and seconds_per_frame > 0):
        raise UsageError(f"seconds_per_frame must be > 0, got {seconds_per_frame}")
    if max_frames is not None and max_frames < 1:
        raise UsageError(f"max_frames must be ≥ 1, got {max_frames}")
    try:
        container = av.open(source, mode="r")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(f"cannot open as a video: {_describe(exc)}") from exc
    with container:
        if not container.streams:
            # A container the decoder opened but found nothing in (an index that claims
            # 2^62 bytes, say): damage, not a sound file.
            raise MediaError(f"no audio or video stream found in this "
                             f"{container.format.name} file: damaged or truncated?")
        # Cover art and thumbnails are "video" streams of one picture: an MP3 or M4A with
        # cover art is audio, not a video.
        not_moving = av.stream.Disposition.attached_pic | av.stream.Disposition.timed_thumbnails
        moving = [s for s in container.streams.video if not s.disposition & not_moving]
        if not moving:
            raise NotThisFormat(f"no video stream in this {container.format.name} file")
        stream = moving[0]
        # Frame-level threads: decode dominates the cost of a signature.
        stream.thread_type = "AUTO"
        return _sample(container, stream, seconds_per_frame, max_frames, regions)


class _Decoded(NamedTuple):
    frame: av.VideoFrame
    time: float


@dataclass
class _Damage:
    """What went wrong while decoding, counted so that a report says it once, not per frame."""

    bad_packets: int = 0
    first_bad_packet: str = ""
    corrupt_frames: int = 0
    unhashable_frames: int = 0
    first_unhashable: str = ""
    time_jumps: int = 0
    first_jump: str = ""
    stopped: str = ""

    def warnings(self) -> list[str]:
        found = []
        if self.stopped:
            found.append(self.stopped)
        if self.bad_packets:
            found.append(
                f"{self.bad_packets} packet(s) could not be decoded and were skipped "
                f"(first: {self.first_bad_packet})"
            )
        if self.corrupt_frames:
            found.append(
                f"{self.corrupt_frames} frame(s) were decoded with damage concealed by the decoder"
            )
        if self.unhashable_frames:
            found.append(
                f"{self.unhashable_frames} frame(s) could not be converted for hashing"
                f" (first: {self.first_unhashable})"
            )
        if self.time_jumps:
            found.append(
                f"frame times went backwards {self.time_jumps} time(s) (first {self.first_jump}):"
                " the timestamps are damaged, so frame times are unreliable"
            )
        return found


def _sample(
    container: av.container.InputContainer,
    stream: av.video.VideoStream,
    seconds_per_frame: float,
    max_frames: int | None,
    regions: bool = False,
) -> VideoSignature:
    damage = _Damage()
    frames: list[VideoFrame] = []
    parts: list[RegionFrame] = []
    next_time = 0.0
    last_time: float | None = None
    last_sample = 0.0
    complete = True
    # Closed on leaving, so that its damage counts are final before they are reported.
    with contextlib.closing(_decode(container, stream, damage)) as decoded:
        for item in decoded:
            if frames and item.time + seconds_per_frame < last_sample:
                # A damaged timestamp threw sampling far ahead (mpeg4 in AVI does this):
                # without a restart every later frame would be skipped as "already sampled".
                damage.time_jumps += 1
                damage.first_jump = damage.first_jump or f"{last_sample:.1f} s → {item.time:.1f} s"
                next_time = item.time
            last_time = item.time if last_time is None else max(last_time, item.time)
            if item.time + _EPS < next_time:
                continue
            try:
                frames.append(_hash_frame(item.frame, item.time))
                if regions:
                    parts.append(_hash_regions(item.frame, item.time))
            except (av.FFmpegError, ValueError) as exc:
                # A frame swscale can't convert (a damaged size or pixel format): the next
                # frame may still serve for this sampling time.
                damage.unhashable_frames += 1
                damage.first_unhashable = damage.first_unhashable or _describe(exc)
                continue
            last_sample = item.time
            # The next sampling time after this frame; a gap in the video (a still shown
            # for three seconds) yields one frame, not three copies of it.
            next_time = (math.floor(item.time / seconds_per_frame + _EPS) + 1) * seconds_per_frame
            if max_frames is not None and len(frames) >= max_frames:
                complete = False
                break
    warnings = damage.warnings()
    if not frames:
        problem = "; ".join(warnings) or "the video stream holds no decodable frame"
        raise MediaError(f"no frame could be decoded: {problem}")
    declared = _declared_duration(stream, container)
    if complete and declared is not None and last_time is not None:
        # Frames that end well before the declared length: a truncated file, or a broken
        # tail that the demuxer gave up on without an error.
        slack = max(0.5, 2 / float(stream.average_rate)) if stream.average_rate else 1.0
        if last_time + slack < declared:
            warnings.append(
                f"frames end at {last_time:.1f} s of a declared {declared:.1f} s:"
                " the file may be truncated or damaged"
            )
    context = stream.codec_context
    return VideoSignature(
        frames=sorted(frames, key=lambda f: f.timestamp),
        duration=declared if declared is not None else last_time,
        codec=context.name,
        container=container.format.name,
        width=context.width,
        height=context.height,
        seconds_per_frame=seconds_per_frame,
        warnings=warnings,
        regions=sorted(parts, key=lambda f: f.timestamp) if regions else None,
    )


def _decode(
    container: av.container.InputContainer,
    stream: av.video.VideoStream,
    damage: _Damage,
) -> Generator[_Decoded, None, None]:
    """Yield frames with their times in seconds from the start, counting damage.

    A packet that fails to decode is skipped (the decoder recovers at the next key frame),
    so one bad packet costs a second of video, not the rest of it; a container that can't
    be read further ends the video there.
    """
    rate = stream.average_rate or stream.guessed_rate
    # Times count from the stream's declared start, as a player shows them, so that a
    # report's "at 0:12" can be found by a person; else from the first frame decoded.
    origin: float | None = None
    if stream.start_time is not None and stream.time_base is not None:
        origin = float(stream.start_time * stream.time_base)
    count = 0
    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.FFmpegError as exc:
                damage.bad_packets += 1
                damage.first_bad_packet = damage.first_bad_packet or _describe(exc)
                continue
            for frame in frames:
                if not isinstance(frame, av.VideoFrame):
                    continue
                damage.corrupt_frames += frame.is_corrupt
                time = _frame_time(frame, count, rate)
                count += 1
                if origin is None:
                    origin = time
                yield _Decoded(frame, round(time - origin, 3))
    except (av.FFmpegError, OSError) as exc:
        where = f"after {count} frames" if count else "before any frame"
        damage.stopped = f"reading the video stopped {where}: {_describe(exc)}"


def _frame_time(frame: av.VideoFrame, index: int, rate: Fraction | None) -> float:
    # Some containers (raw streams, damaged AVI indexes) leave frames without a time; the
    # frame rate is then the best estimate there is.
    if frame.pts is None:
        return index / float(rate) if rate else float(index)
    return float(frame.time)


def _hash_frame(frame: av.VideoFrame, time: float) -> VideoFrame:
    width, height = _fit(frame.width, frame.height)
    # AREA averages source pixels: the nearest thing swscale has to PDQ's box filters.
    rgb = frame.reformat(
        width=width, height=height, format="rgb24", interpolation="AREA"
    ).to_ndarray()
    # Phone videos store pictures sideways with a rotation for the player: hash what a
    # viewer sees, so a copy whose rotation was baked in still matches.
    turns = round(frame.rotation / 90) % 4
    if turns:
        rgb = np.rot90(rgb, turns)
    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb, dtype=np.uint8))
    # pdqhash gives the most significant bit first, so packbits yields the reference hex.
    pdq = np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes()
    return VideoFrame(time, pdq, int(quality))


def _hash_regions(frame: av.VideoFrame, time: float) -> RegionFrame:
    width, height = _fit(frame.width, frame.height, video_regions.SIDE)
    rgb = np.asarray(frame.reformat(
        width=width, height=height, format="rgb24", interpolation="AREA"
    ).to_ndarray(), dtype=np.uint8)
    turns = round(frame.rotation / 90) % 4
    return video_regions.region_frame(np.rot90(rgb, turns) if turns else rgb, time)


def _fit(width: int, height: int, side: int = MAX_SIDE) -> tuple[int, int]:
    """The largest size ≤ `side` on the long side with the same shape (even: chroma)."""
    long_side = max(width, height)
    if long_side <= side:
        return width, height
    scale = side / long_side
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _declared_duration(
    stream: av.video.VideoStream, container: av.container.InputContainer
) -> float | None:
    # The video stream's own length first: the container's also covers a longer audio
    # track. Matroska keeps the stream's length only as a DURATION tag.
    if stream.duration is not None and stream.time_base is not None and stream.duration > 0:
        return float(stream.duration * stream.time_base)
    tag = stream.metadata.get("DURATION", "")
    hours, _, rest = tag.partition(":")
    minutes, _, seconds = rest.partition(":")
    with contextlib.suppress(ValueError):
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    if container.duration is not None and container.duration > 0:
        return container.duration / av.time_base
    return None


def _describe(exc: BaseException) -> str:
    # FFmpeg's own words ("Invalid data found when processing input"), without PyAV's
    # errno and "'<none>'" file name, which mean nothing to the reader of a report.
    if isinstance(exc, av.FFmpegError) and exc.strerror:
        return str(exc.strerror)
    return str(exc) or type(exc).__name__


# -- matching -------------------------------------------------------------------------


class VideoMatch(NamedTuple, Generic[K]):
    """An indexed video the query matched: the share of the query's usable distinct frame
    hashes within the frame threshold of one of its frames, and their median distance."""

    key: K
    fraction: float
    median_distance: float
    # "vpdq": whole frames matched; "regions": only their regions did (video_regions.py).
    method: str = NAME


def match_videos(
    query: VideoSignature | HashArray,
    candidates: Mapping[K, VideoSignature | HashArray],
    *,
    frame_threshold: int = DEFAULT_FRAME_THRESHOLD,
    video_fraction: float = DEFAULT_VIDEO_FRACTION,
) -> list[VideoMatch[K]]:
    """The candidates the query matches, best first (highest fraction, then lowest median).

    A signature contributes its usable frames; an (N, 32) uint8 array is taken as usable
    frame hashes already. Exact duplicate hashes count once, as in Meta's vPDQ, so a long
    still (a title card) weighs as one frame. A query with no usable frame matches nothing:
    a video that is all black or all one colour cannot be recognised by its pictures.

    This compares every frame with every frame: give it the candidates an index search of
    the query's frames found (media/pdq_index.py), not a whole hash set.
    """
    if not 0 <= frame_threshold <= 8 * HASH_BYTES:
        raise UsageError(f"frame_threshold must be 0..256, got {frame_threshold}")
    if not 0 < video_fraction <= 1:
        raise UsageError(f"video_fraction must be in (0, 1], got {video_fraction}")
    query_words = _words(_distinct(_as_hashes(query)))
    keys: list[K] = []
    blocks: list[NDArray[np.uint64]] = []
    for key, candidate in candidates.items():
        words = _words(_distinct(_as_hashes(candidate)))
        if len(words):
            keys.append(key)
            blocks.append(words)
    if not len(query_words) or not keys:
        return []
    nearest = _nearest_distances(query_words, blocks)
    found: list[VideoMatch[K]] = []
    for column, key in enumerate(keys):
        distances = nearest[:, column]
        matched = distances[distances <= frame_threshold]
        fraction = len(matched) / len(distances)
        # Slack so that 4 of 5 frames is 80 % whatever the float rounding.
        if fraction + 1e-9 >= video_fraction:
            found.append(VideoMatch(key, fraction, float(np.median(matched))))
        elif (altered := _by_regions(query, candidates[key], frame_threshold)) is not None \
                and altered.fraction + 1e-9 >= video_fraction:
            found.append(VideoMatch(key, altered.fraction, altered.median_distance, "regions"))
    found.sort(key=lambda m: (-m.fraction, m.median_distance))
    return found


def _by_regions(query: VideoSignature | HashArray, candidate: VideoSignature | HashArray,
                threshold: int) -> video_regions.RegionMatch | None:
    """The region rule's result when both videos carry region hashes."""
    if not isinstance(query, VideoSignature) or not isinstance(candidate, VideoSignature) \
            or query.regions is None or candidate.regions is None:
        return None
    return video_regions.match_regions(query.regions, candidate.regions, threshold)


def _as_hashes(item: VideoSignature | HashArray) -> HashArray:
    if isinstance(item, VideoSignature):
        return item.hashes(usable_only=True)
    array = np.asarray(item)
    if array.dtype != np.uint8 or array.ndim != 2 or array.shape[1] != HASH_BYTES:
        raise UsageError(f"frame hashes must be an (N, {HASH_BYTES}) uint8 array")
    return array


def _distinct(hashes: HashArray) -> HashArray:
    return np.unique(hashes, axis=0) if len(hashes) > 1 else hashes


def _words(hashes: HashArray) -> NDArray[np.uint64]:
    # Four 64-bit words a hash: xor + popcount on words is 8× fewer operations than bytes.
    # Byte order within the words is irrelevant to a Hamming distance.
    return np.ascontiguousarray(hashes).view(np.uint64).reshape(len(hashes), _WORDS)


def _nearest_distances(
    query: NDArray[np.uint64], candidates: list[NDArray[np.uint64]]
) -> NDArray[np.uint16]:
    """For each query hash (row) and candidate (column), the distance to its nearest frame.

    Candidates are packed side by side into groups of columns and the query is cut into
    row chunks, so the distance table held at once stays under `_MAX_CELLS` cells.
    """
    nearest = np.empty((len(query), len(candidates)), dtype=np.uint16)
    start = 0
    while start < len(candidates):
        stop, columns = start + 1, len(candidates[start])
        # Columns capped so that a block still holds ≥ 64 query rows (numpy's per-call
        # overhead); one candidate longer than that is a group alone, cut into fewer rows.
        while stop < len(candidates) and columns + len(candidates[stop]) <= _MAX_CELLS // 64:
            columns += len(candidates[stop])
            stop += 1
        group = np.concatenate(candidates[start:stop])
        offsets = np.cumsum([0] + [len(c) for c in candidates[start : stop - 1]])
        rows = max(1, _MAX_CELLS // len(group))
        for top in range(0, len(query), rows):
            part = query[top : top + rows]
            distances = np.zeros((len(part), len(group)), dtype=np.uint16)
            for w in range(_WORDS):
                distances += np.bitwise_count(part[:, w, None] ^ group[None, :, w])
            nearest[top : top + rows, start:stop] = np.minimum.reduceat(distances, offsets, axis=1)
        start = stop
    return nearest
