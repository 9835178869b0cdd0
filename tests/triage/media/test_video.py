"""vPDQ video signatures, on small synthetic clips made here with PyAV.

Every clip is drawn from numbers: a gradient and coloured shapes per one-second "scene",
a caption, and a square that moves across it. No picture comes from outside the test.
"""

from __future__ import annotations

import io
import json
import struct
import wave
from pathlib import Path

import av
import av.container
import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from safeguard.triage.errors import HashSetError, MediaError, NotThisFormat, UsageError
from safeguard.triage.media import video
from safeguard.triage.media.video import (
    VideoFrame,
    VideoSignature,
    match_videos,
    video_signature,
)

FPS = 10
SECONDS = 6
WIDTH, HEIGHT = 160, 120

Frames = list[NDArray[np.uint8]]


def scene_frames(
    seed: int, seconds: int = SECONDS, size: tuple[int, int] = (WIDTH, HEIGHT)
) -> Frames:
    """`seconds` scenes of FPS frames: each scene a new picture, a square moving over it."""
    rng = np.random.default_rng(seed)
    width, height = size
    frames: Frames = []
    for scene in range(seconds):
        ys, xs = np.mgrid[0:height, 0:width]
        angle = rng.uniform(0, 2 * np.pi)
        ramp = (np.cos(angle) * xs / width + np.sin(angle) * ys / height + 1) / 2
        base = np.stack([ramp * c for c in rng.uniform(60, 255, 3)], axis=-1)
        picture = Image.fromarray(base.astype(np.uint8))
        draw = ImageDraw.Draw(picture)
        for _ in range(10):
            x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
            w, h = int(rng.integers(8, width // 2)), int(rng.integers(8, height // 2))
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
            shape([x, y, x + w, y + h], fill=colour)
        draw.text((4, 4), f"clip {seed} scene {scene}", fill=(255, 255, 255))
        still = np.asarray(picture)
        for i in range(FPS):
            frame = still.copy()
            x = (i * width // (2 * FPS)) % (width - 16)
            frame[height // 2 : height // 2 + 12, x : x + 16] = (250, 20, 20)
            frames.append(frame)
    return frames


def add_video_stream(out: av.container.OutputContainer, codec: str) -> av.VideoStream:
    stream = out.add_stream(codec, rate=FPS)
    assert isinstance(stream, av.VideoStream)
    return stream


def encode(
    path: Path,
    frames: Frames,
    *,
    codec: str = "mpeg4",
    container: str | None = None,
    size: tuple[int, int] | None = None,
    bit_rate: int | None = None,
    pix_fmt: str = "yuv420p",
    rotation: int | None = None,
) -> Path:
    height, width = frames[0].shape[:2]
    if size is not None and size != (width, height):
        frames = [
            np.asarray(Image.fromarray(f).resize(size, Image.Resampling.BILINEAR)) for f in frames
        ]
        width, height = size
    with av.open(str(path), "w", format=container) as out:
        stream = add_video_stream(out, codec)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        if bit_rate is not None:
            stream.bit_rate = bit_rate
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for array in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(array, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    original = scene_frames(1)
    return {
        "original": encode(folder / "original.mp4", original),
        "other": encode(folder / "other.mp4", scene_frames(2)),
        "mkv": encode(folder / "original.mkv", original, container="matroska"),
    }


@pytest.fixture(scope="module")
def original(clips: dict[str, Path]) -> VideoSignature:
    return video_signature(str(clips["original"]))


def distance(a: VideoFrame, b: VideoFrame) -> int:
    return int(np.unpackbits(np.frombuffer(a.pdq, np.uint8) ^ np.frombuffer(b.pdq, np.uint8)).sum())


def brute_force(query: VideoSignature, candidate: VideoSignature, threshold: int = 31) -> float:
    """The matching rule written out plainly, to check the vectorised one against."""
    mine = {f.pdq: f for f in query.usable_frames}.values()
    theirs = candidate.usable_frames
    hits = [min(distance(q, c) for c in theirs) <= threshold for q in mine]
    return sum(hits) / len(hits)


# -- computing ------------------------------------------------------------------------


def test_it_samples_one_frame_a_second(original: VideoSignature) -> None:
    assert [f.timestamp for f in original.frames] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert all(len(f.pdq) == 32 and f.usable for f in original.frames)
    assert original.duration == pytest.approx(SECONDS, abs=0.2)
    assert (original.codec, original.width, original.height) == ("mpeg4", WIDTH, HEIGHT)
    assert "mp4" in original.container
    assert original.warnings == [] and original.complete
    # Each scene is a new picture: neighbouring samples are far apart.
    pairs = zip(original.frames, original.frames[1:], strict=False)
    assert all(distance(a, b) > 64 for a, b in pairs)


def test_it_samples_at_other_rates_and_stops_at_max_frames(clips: dict[str, Path]) -> None:
    half = video_signature(str(clips["original"]), seconds_per_frame=0.5)
    assert [f.timestamp for f in half.frames] == [n / 2 for n in range(2 * SECONDS)]
    first = video_signature(str(clips["original"]), max_frames=2)
    assert [f.timestamp for f in first.frames] == [0.0, 1.0]
    assert first.warnings == []  # stopping early on request is not damage


@pytest.mark.parametrize(
    ("seconds_per_frame", "max_frames"), [(0, None), (-1, None), (float("nan"), None), (1, 0)]
)
def test_it_rejects_bad_arguments(
    clips: dict[str, Path], seconds_per_frame: float, max_frames: int | None
) -> None:
    with pytest.raises(UsageError):
        video_signature(
            str(clips["original"]), seconds_per_frame=seconds_per_frame, max_frames=max_frames
        )


# Codec and container pairs that investigators meet, all encoders shipped in PyAV's wheel.
FORMATS = [
    ("mp4", "mpeg4", None, (WIDTH, HEIGHT), "yuv420p"),
    ("mp4", "libx264", None, (WIDTH, HEIGHT), "yuv420p"),
    ("mkv", "mpeg4", "matroska", (WIDTH, HEIGHT), "yuv420p"),
    ("avi", "mpeg4", "avi", (WIDTH, HEIGHT), "yuv420p"),
    ("wmv", "wmv2", "asf", (WIDTH, HEIGHT), "yuv420p"),
    ("wmv", "msmpeg4", "asf", (WIDTH, HEIGHT), "yuv420p"),
    ("3gp", "h263", "3gp", (176, 144), "yuv420p"),  # H.263 allows only its fixed sizes
    ("mov", "mjpeg", "mov", (WIDTH, HEIGHT), "yuvj420p"),
]


@pytest.mark.parametrize(("ext", "codec", "container", "size", "pix_fmt"), FORMATS)
def test_it_reads_each_container_and_matches_across_them(
    tmp_path: Path,
    original: VideoSignature,
    ext: str,
    codec: str,
    container: str | None,
    size: tuple[int, int],
    pix_fmt: str,
) -> None:
    path = encode(
        tmp_path / f"clip.{ext}",
        scene_frames(1),
        codec=codec,
        container=container,
        size=size,
        pix_fmt=pix_fmt,
    )
    signature = video_signature(str(path))
    assert len(signature.frames) == SECONDS, signature
    assert (signature.width, signature.height) == size
    assert signature.warnings == []
    [found] = match_videos(signature, {"original": original})
    # H.263 at its fixed 176×144 stretches the picture: one of six frames may fall outside.
    assert found.key == "original" and found.fraction >= 0.8
    assert found.median_distance <= 20


def test_it_matches_a_copy_at_another_size_and_bitrate(
    tmp_path: Path, original: VideoSignature
) -> None:
    copy = encode(
        tmp_path / "copy.mkv",
        scene_frames(1),
        codec="libx264",
        container="matroska",
        size=(240, 180),
        bit_rate=60_000,
    )
    signature = video_signature(str(copy))
    assert (signature.width, signature.height, signature.codec) == (240, 180, "h264")
    [found] = match_videos(signature, {"original": original})
    assert found.fraction >= 0.8
    assert found.fraction == pytest.approx(brute_force(signature, original))


def test_it_does_not_match_a_different_clip(
    clips: dict[str, Path], original: VideoSignature
) -> None:
    other = video_signature(str(clips["other"]))
    assert match_videos(other, {"original": original}) == []
    assert brute_force(other, original) < 0.2


def test_it_matches_a_trimmed_excerpt_with_the_original(
    tmp_path: Path, original: VideoSignature
) -> None:
    # Seconds 2.5 to 5.5: sampled 0.5 s off the original's sampling times.
    excerpt = encode(tmp_path / "excerpt.mp4", scene_frames(1)[25:55], codec="libx264")
    signature = video_signature(str(excerpt))
    assert len(signature.frames) == 3
    [found] = match_videos(signature, {"original": original})
    assert found.fraction == 1.0
    # The other way round the original is not "in" the excerpt: that is the query rule.
    assert match_videos(original, {"excerpt": signature}) == []


def test_it_keeps_featureless_frames_but_never_matches_them(
    tmp_path: Path, original: VideoSignature
) -> None:
    frames = scene_frames(1)
    grey = [np.full_like(frames[0], 128)] * (2 * FPS)
    path = encode(tmp_path / "fade.mp4", grey + frames)
    signature = video_signature(str(path))
    assert [f.usable for f in signature.frames[:2]] == [False, False]
    assert len(signature.usable_frames) == SECONDS
    [found] = match_videos(signature, {"original": original})
    assert found.fraction == 1.0  # the two grey frames are not counted as unmatched
    all_grey = video_signature(str(encode(tmp_path / "grey.mp4", grey)))
    assert match_videos(all_grey, {"grey": all_grey}) == []


def test_it_hashes_what_the_viewer_sees_when_the_video_is_rotated(
    tmp_path: Path, original: VideoSignature
) -> None:
    # Stored sideways with a display rotation, as phones record portrait video.
    sideways = [np.ascontiguousarray(np.rot90(f, -1)) for f in scene_frames(1)]
    signature = video_signature(str(encode(tmp_path / "rotated.mp4", sideways, rotation=90)))
    [found] = match_videos(signature, {"original": original})
    assert found.fraction == 1.0


def test_it_reads_file_objects(clips: dict[str, Path], original: VideoSignature) -> None:
    with open(clips["original"], "rb") as handle:
        assert video_signature(handle).frames == original.frames
    from_memory = video_signature(io.BytesIO(clips["mkv"].read_bytes()))
    assert [f.timestamp for f in from_memory.frames] == [f.timestamp for f in original.frames]


# -- damage ---------------------------------------------------------------------------


def test_it_raises_media_error_for_a_truncated_mp4(clips: dict[str, Path]) -> None:
    # The MP4 index (moov) is written last, so a cut file can't be opened at all.
    data = clips["original"].read_bytes()
    with pytest.raises(MediaError, match="cannot open"):
        video_signature(io.BytesIO(data[: len(data) // 2]))


def test_it_returns_what_decoded_before_the_cut_with_a_warning(clips: dict[str, Path]) -> None:
    data = clips["mkv"].read_bytes()
    partial = video_signature(io.BytesIO(data[: len(data) // 2]))
    assert 1 <= len(partial.frames) < SECONDS
    assert not partial.complete
    assert any("truncated" in w for w in partial.warnings), partial.warnings
    assert partial.duration == pytest.approx(SECONDS, abs=0.2)  # as the file declares


class UnreadableTail(io.BytesIO):
    """A file on a failing disk: reads past the middle raise, as an unreadable sector does."""

    def read(self, size: int | None = -1) -> bytes:
        if self.tell() >= len(self.getbuffer()) // 2:
            raise OSError("sector unreadable")
        return super().read(min(4096, size if size is not None and size >= 0 else 4096))


def test_it_keeps_what_it_read_before_a_read_error(clips: dict[str, Path]) -> None:
    partial = video_signature(UnreadableTail(clips["mkv"].read_bytes()))
    assert 1 <= len(partial.frames) < SECONDS
    assert any("sector unreadable" in w for w in partial.warnings), partial.warnings


def test_it_recovers_from_a_damaged_timestamp_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "jump.mkv"
    with av.open(str(path), "w", format="matroska") as out:
        stream = add_video_stream(out, "mpeg4")
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        for number, array in enumerate(scene_frames(1)):
            for packet in stream.encode(av.VideoFrame.from_ndarray(array, format="rgb24")):
                if number == 12:
                    packet.pts = 55  # frame 1.2 s claims to be at 5.5 s
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    signature = video_signature(str(path))
    # Sampling restarts after the jump instead of skipping everything up to 5.5 s.
    assert {0.0, 1.0, 2.0, 3.0, 4.0, 5.0} <= {f.timestamp for f in signature.frames}
    assert any("went backwards" in w for w in signature.warnings), signature.warnings


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00" * 4096,
        np.random.default_rng(7).integers(0, 256, 65536, dtype=np.uint8).tobytes(),
    ],
    ids=["empty", "zeros", "random"],
)
def test_it_raises_media_error_for_data_that_is_not_video(data: bytes) -> None:
    with pytest.raises(MediaError):
        video_signature(io.BytesIO(data))


def test_it_raises_media_error_for_an_index_claiming_2_to_the_62_bytes() -> None:
    ftyp = struct.pack(">I4s4sI8s", 24, b"ftyp", b"isom", 0x200, b"isomiso2")
    moov = struct.pack(">I4sQ", 1, b"moov", 1 << 62) + bytes(range(256)) * 8
    with pytest.raises(MediaError, match="no audio or video stream"):
        video_signature(io.BytesIO(ftyp + moov))


def test_it_raises_media_error_when_no_decoder_exists(clips: dict[str, Path]) -> None:
    # The same Matroska file, its codec renamed to one FFmpeg has never heard of.
    data = clips["mkv"].read_bytes().replace(b"V_MPEG4/ISO/ASP", b"V_QQQQQ/ISO/ASP")
    with pytest.raises(MediaError, match="Decoder not found"):
        video_signature(io.BytesIO(data))


def test_it_raises_media_error_for_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="No such file"):
        video_signature(str(tmp_path / "absent.mp4"))


def test_it_says_not_this_format_for_a_file_without_video(tmp_path: Path) -> None:
    path = tmp_path / "tone.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes((np.sin(np.arange(8000) / 5) * 8000).astype("<i2").tobytes())
    with pytest.raises(NotThisFormat):
        video_signature(str(path))


# -- stored forms ---------------------------------------------------------------------


def test_it_round_trips_through_json(original: VideoSignature) -> None:
    text = original.to_json()
    document = json.loads(text)
    assert document["format"] == "safeguard.vpdq" and document["version"] == 1
    assert document["vpdq"][1] == [1.0, original.frames[1].pdq.hex(), original.frames[1].quality]
    assert VideoSignature.from_json(text) == original
    assert VideoSignature.from_json(text.encode()) == original


def test_it_round_trips_warnings_and_unknown_duration() -> None:
    signature = VideoSignature(
        frames=[VideoFrame(0.0, bytes(range(32)), 12)],
        duration=None,
        codec="wmv2",
        container="asf",
        width=176,
        height=144,
        seconds_per_frame=0.5,
        warnings=["frames end at 1.0 s of a declared 9.0 s"],
    )
    assert VideoSignature.from_json(signature.to_json()) == signature


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"format": "other", "version": 1}',
        '{"format": "safeguard.vpdq", "version": 99}',
        '{"format": "safeguard.vpdq", "version": 1, "vpdq": [[0, "abcd", 100]]}',
    ],
)
def test_it_rejects_malformed_json(text: str) -> None:
    with pytest.raises(HashSetError):
        VideoSignature.from_json(text)


def test_it_reads_and_writes_metas_vpdq_lines(original: VideoSignature) -> None:
    text = original.to_vpdq_text()
    first = text.splitlines()[0].split(",")
    assert first == ["0", str(original.frames[0].quality), original.frames[0].hex, "0.000"]
    assert VideoSignature.from_vpdq_text(text).frames == original.frames
    with pytest.raises(HashSetError):
        VideoSignature.from_vpdq_text("0,100,zz,0.0\n")
    with pytest.raises(HashSetError):
        VideoSignature.from_vpdq_text("")


# -- matching -------------------------------------------------------------------------


def random_signature(rng: np.random.Generator, frames: int) -> VideoSignature:
    hashes = rng.integers(0, 256, (frames, 32), dtype=np.uint8)
    return VideoSignature(
        frames=[VideoFrame(float(i), h.tobytes(), 100) for i, h in enumerate(hashes)],
        duration=float(frames),
        codec="",
        container="",
        width=0,
        height=0,
    )


def flip_bits(signature: VideoSignature, bits: int, rng: np.random.Generator) -> VideoSignature:
    frames = []
    for frame in signature.frames:
        array = np.unpackbits(np.frombuffer(frame.pdq, np.uint8))
        array[rng.choice(256, bits, replace=False)] ^= 1
        frames.append(frame._replace(pdq=np.packbits(array).tobytes()))
    return VideoSignature(frames, None, "", "", 0, 0)


def test_it_applies_the_frame_threshold_and_video_fraction() -> None:
    rng = np.random.default_rng(3)
    base = random_signature(rng, 10)
    near = flip_bits(base, 31, rng)
    far = flip_bits(base, 32, rng)
    assert match_videos(near, {"base": base}) == [video.VideoMatch("base", 1.0, 31.0)]
    assert match_videos(far, {"base": base}) == []
    assert [m.key for m in match_videos(far, {"base": base}, frame_threshold=32)] == ["base"]
    # 8 of 10 frames of the query found: exactly the 80 % boundary.
    mixed = VideoSignature(near.frames[:8] + random_signature(rng, 2).frames, None, "", "", 0, 0)
    [found] = match_videos(mixed, {"base": base})
    assert found.fraction == 0.8
    assert match_videos(mixed, {"base": base}, video_fraction=0.81) == []


def test_it_counts_repeated_frames_once() -> None:
    rng = np.random.default_rng(4)
    base = random_signature(rng, 4)
    # A long still: the same hash nine times, then three frames of nothing known.
    still = [base.frames[0]._replace(timestamp=float(t)) for t in range(9)]
    query = VideoSignature(still + random_signature(rng, 3).frames, None, "", "", 0, 0)
    assert match_videos(query, {"base": base}) == []  # 1 of 4 distinct hashes, not 9 of 12


def test_it_orders_candidates_and_takes_hash_arrays() -> None:
    rng = np.random.default_rng(5)
    base = random_signature(rng, 12)
    candidates: dict[str, VideoSignature | NDArray[np.uint8]] = {
        "noise": random_signature(rng, 30),
        "close": flip_bits(base, 4, rng).hashes(),
        "exact": base,
        "empty": np.zeros((0, 32), dtype=np.uint8),
        "closer": flip_bits(base, 2, rng),
    }
    found = match_videos(base, candidates)
    assert [m.key for m in found] == ["exact", "closer", "close"]
    assert [m.median_distance for m in found] == [0.0, 2.0, 4.0]
    with pytest.raises(UsageError):
        match_videos(base, {"bad": np.zeros((3, 16), dtype=np.uint8)})
    with pytest.raises(UsageError):
        match_videos(base, {}, frame_threshold=300)
    with pytest.raises(UsageError):
        match_videos(base, {}, video_fraction=0)


def test_it_gives_the_same_answer_when_the_table_is_cut_into_pieces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(6)
    query = random_signature(rng, 40)
    candidates = {f"v{i}": flip_bits(query, int(rng.integers(0, 40)), rng) for i in range(12)}
    candidates["long"] = random_signature(rng, 500)
    whole = match_videos(query, candidates, video_fraction=0.01)
    monkeypatch.setattr(video, "_MAX_CELLS", 64 * 8)  # groups of ≤ 8 columns, rows of 1
    assert match_videos(query, candidates, video_fraction=0.01) == whole
    expected = {k: brute_force(query, c) for k, c in candidates.items()}
    assert {m.key: m.fraction for m in whole} == {k: f for k, f in expected.items() if f > 0}


# -- documentation --------------------------------------------------------------------


def test_the_doc_describes_every_field_key_and_default(original: VideoSignature) -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "video.md").read_text(encoding="utf-8")
    for name in VideoSignature.__dataclass_fields__:
        assert f"`{name}`" in doc, name
    for key in json.loads(original.to_json()):
        assert f'"{key}"' in doc, key
    for name in ("video_signature", "match_videos", "to_json", "from_json", "to_vpdq_text"):
        assert name in doc, name
    assert f"frame_threshold={video.DEFAULT_FRAME_THRESHOLD}" in doc
    assert f"video_fraction={video.DEFAULT_VIDEO_FRACTION}" in doc
    assert f"quality < {video.MIN_QUALITY}" in doc and f"{video.MAX_SIDE} px" in doc
