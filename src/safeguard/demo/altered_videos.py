"""Benign synthetic videos and altered copies of them, for the tests and the benchmark of
video matching beyond vPDQ (triage/media/video_regions.py).

A video is a few scenes of a synthetic picture (demo.media: gradients, shapes; or any
picture given, such as scikit-image's sample photographs of objects and landscapes) seen
by a slowly panning and zooming camera, with a small square crossing it. The alterations
are those that defeat whole-frame hashes: a logo over a share of the frame, a crop, bars
or a border around a shrunken picture, the picture set inside another video, and speed
changes. Frames are (height, width, 3) uint8 arrays; `encode` writes them with PyAV.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from .media import synthetic_picture

Frame = NDArray[np.uint8]
FPS = 10
SIZE = (320, 240)


def panning_video(seed: int, *, seconds: int = 8, size: tuple[int, int] = SIZE,
                  picture: Callable[[int], Image.Image] | None = None,
                  scene_seconds: int = 2) -> list[Frame]:
    """`seconds` of video at FPS: a new picture every `scene_seconds`, panned and zoomed."""
    rng = np.random.default_rng(seed)
    width, height = size
    frames: list[Frame] = []
    scenes = -(-seconds // scene_seconds)
    for scene in range(scenes):
        source = picture(scene) if picture is not None \
            else synthetic_picture(seed * 1000 + scene, (width * 3 // 2, height * 3 // 2))
        big = np.asarray(source.convert("RGB").resize((width * 3 // 2, height * 3 // 2),
                                                       Image.Resampling.BILINEAR))
        dx, dy = rng.uniform(-1, 1, 2)
        zoom = rng.uniform(-0.08, 0.08)
        count = FPS * min(scene_seconds, seconds - scene * scene_seconds)
        for i in range(count):
            t = i / max(count - 1, 1)
            scale = 1 - 0.1 - zoom * t  # the camera's view: 82-98 % of the wide picture
            w, h = int(big.shape[1] * scale / 1.5), int(big.shape[0] * scale / 1.5)
            cx = big.shape[1] / 2 + dx * t * (big.shape[1] - w) / 2
            cy = big.shape[0] / 2 + dy * t * (big.shape[0] - h) / 2
            x0, y0 = int(cx - w / 2), int(cy - h / 2)
            view = Image.fromarray(big[y0:y0 + h, x0:x0 + w])
            frame = np.array(view.resize(size, Image.Resampling.BILINEAR))
            x = (i * 7) % (width - 20)
            frame[height // 2:height // 2 + 14, x:x + 20] = (250, 30, 30)
            frames.append(frame)
    return frames


def logo(width: int, height: int, seed: int = 0) -> Frame:
    """A broadcaster's-logo-like panel: flat colours, a disc, a bar and a word."""
    rng = np.random.default_rng(seed)
    back = tuple(int(c) for c in rng.integers(0, 120, 3))
    panel = Image.new("RGB", (width, height), back)
    draw = ImageDraw.Draw(panel)
    draw.ellipse([width * 0.08, height * 0.1, width * 0.45, height * 0.9],
                 fill=tuple(int(c) for c in rng.integers(120, 256, 3)))
    draw.rectangle([width * 0.55, height * 0.3, width * 0.92, height * 0.7],
                   fill=(255, 255, 255))
    draw.text((4, 4), f"CHANNEL {seed}", fill=(255, 255, 255))
    return np.asarray(panel)


def overlay(frames: Sequence[Frame], share: float, where: str = "bottom-right",
            seed: int = 0) -> list[Frame]:
    """An opaque logo over `share` of the frame's area, the frame's shape, at a corner
    ("top-left", "top-right", "bottom-left", "bottom-right") or the "centre"."""
    height, width = frames[0].shape[:2]
    side = share ** 0.5
    w, h = round(width * side), round(height * side)
    panel = logo(w, h, seed)
    x = {"left": 0, "right": width - w}.get(where.split("-")[-1], (width - w) // 2)
    y = {"top": 0, "bottom": height - h}.get(where.split("-")[0], (height - h) // 2)
    out = []
    for frame in frames:
        copy = frame.copy()
        copy[y:y + h, x:x + w] = panel
        out.append(copy)
    return out


def crop(frames: Sequence[Frame], keep: float) -> list[Frame]:
    """The centre `keep` of each side, scaled back to the frame's size."""
    height, width = frames[0].shape[:2]
    w, h = round(width * keep), round(height * keep)
    x, y = (width - w) // 2, (height - h) // 2
    return [_resize(frame[y:y + h, x:x + w], width, height) for frame in frames]


def bars(frames: Sequence[Frame], share: float, *, vertical: bool = False,
         colour: tuple[int, int, int] = (0, 0, 0)) -> list[Frame]:
    """Letterbox (or, `vertical`, pillarbox): the picture squeezed to leave bars of
    `share` of the height (width) on each side."""
    height, width = frames[0].shape[:2]
    w = round(width * (1 - 2 * share)) if vertical else width
    h = height if vertical else round(height * (1 - 2 * share))
    return [_inset(_resize(frame, w, h), width, height, colour) for frame in frames]


def border(frames: Sequence[Frame], share: float,
           colour: tuple[int, int, int] = (255, 255, 255)) -> list[Frame]:
    """The picture shrunk to leave a border of `share` of each side all round."""
    height, width = frames[0].shape[:2]
    w, h = round(width * (1 - 2 * share)), round(height * (1 - 2 * share))
    return [_inset(_resize(frame, w, h), width, height, colour) for frame in frames]


def picture_in_picture(frames: Sequence[Frame], background: Sequence[Frame], scale: float,
                       at: tuple[float, float] = (1.0, 1.0)) -> list[Frame]:
    """The video shrunk to `scale` of each side, set into `background` (another video)
    at `at` (0-1 of the free space: (1, 1) is the bottom-right corner)."""
    height, width = background[0].shape[:2]
    w, h = round(width * scale), round(height * scale)
    x, y = round((width - w) * at[0]), round((height - h) * at[1])
    out = []
    for frame, back in zip(frames, background, strict=False):
        copy = back.copy()
        copy[y:y + h, x:x + w] = _resize(frame, w, h)
        out.append(copy)
    return out


def speed(frames: Sequence[Frame], factor: float) -> list[Frame]:
    """Played `factor` times as fast: frames dropped (> 1) or repeated (< 1)."""
    count = round(len(frames) / factor)
    return [frames[min(int(i * factor), len(frames) - 1)] for i in range(count)]


def encode(path: Path, frames: Sequence[Frame], *, codec: str = "libx264",
           container: str | None = None, bit_rate: int | None = None) -> Path:
    import av

    height, width = frames[0].shape[:2]
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=FPS)
        stream.width, stream.height = width, height  # type: ignore[union-attr]
        stream.pix_fmt = "yuv420p"  # type: ignore[union-attr]
        if bit_rate is not None:
            stream.bit_rate = bit_rate  # type: ignore[union-attr]
        for array in frames:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(array), format="rgb24")
            for packet in stream.encode(frame):  # type: ignore[union-attr]
                out.mux(packet)
        for packet in stream.encode():  # type: ignore[union-attr]
            out.mux(packet)
    return path


def _resize(frame: Frame, width: int, height: int) -> Frame:
    return np.asarray(Image.fromarray(frame).resize((width, height), Image.Resampling.BILINEAR))


def _inset(picture: Frame, width: int, height: int, colour: tuple[int, int, int]) -> Frame:
    canvas = np.empty((height, width, 3), dtype=np.uint8)
    canvas[:] = colour
    h, w = picture.shape[:2]
    y, x = (height - h) // 2, (width - w) // 2
    canvas[y:y + h, x:x + w] = picture
    return canvas
