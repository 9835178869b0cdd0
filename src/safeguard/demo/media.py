"""Benign synthetic pictures for the demo and the tests: gradients, shapes and noise.

Nothing here resembles a person; each picture is determined by its seed, so tests and the
demo get the same bytes on every machine.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

PALETTE = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
]


def synthetic_picture(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A landscape-like scene of sky gradient, hills and shapes, unique per seed."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top = rng.choice(PALETTE)
    bottom = rng.choice(PALETTE)
    for y in range(height):
        t = y / max(height - 1, 1)
        colour = tuple(int(top[i] * (1 - t) + bottom[i] * t) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    for _ in range(rng.randint(3, 7)):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1 = x0 + rng.randint(width // 16 + 1, width // 2 + 2)
        y1 = y0 + rng.randint(height // 16 + 1, height // 2 + 2)
        shape = rng.choice(("ellipse", "rectangle", "polygon"))
        fill = rng.choice(PALETTE)
        if shape == "ellipse":
            draw.ellipse([x0, y0, x1, y1], fill=fill)
        elif shape == "rectangle":
            draw.rectangle([x0, y0, x1, y1], fill=fill)
        else:
            points = [(rng.randrange(width), rng.randrange(height)) for _ in range(3)]
            draw.polygon(points, fill=fill)
    # Many small objects give the picture the detail of a photograph: a perceptual hash
    # of a few flat shapes has too little structure to be trusted (PDQ quality < 50).
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randint(2, max(3, width // 10))
        fill = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)
        else:
            draw.rectangle([x - r, y - r // 2, x + r, y + r // 2], fill=fill)
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        params.setdefault("quality", 90)
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def picture_bytes(seed: int, fmt: str = "JPEG", size: tuple[int, int] = (320, 240)) -> bytes:
    return encode(synthetic_picture(seed, size), fmt)


def synthetic_clip(
    path: str,
    seed: int,
    *,
    seconds: int = 4,
    size: tuple[int, int] = (320, 240),
    fps: int = 10,
    codec: str = "mpeg4",
    container: str | None = None,
    bit_rate: int | None = None,
) -> str:
    """A short benign video: one synthetic picture a second, a square moving across it."""
    import av
    import numpy as np

    with av.open(path, "w", format=container) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height = size  # type: ignore[union-attr]
        stream.pix_fmt = "yuv420p"  # type: ignore[union-attr]
        if bit_rate is not None:
            stream.bit_rate = bit_rate  # type: ignore[union-attr]
        for scene in range(seconds):
            # Drawn at one size and scaled, so copies at other sizes show the same scene.
            picture = synthetic_picture(seed * 1000 + scene, (320, 240))
            still = np.asarray(picture.resize(size, Image.Resampling.BILINEAR))
            for i in range(fps):
                frame = still.copy()
                x = (i * size[0] // (2 * fps)) % (size[0] - 16)
                frame[size[1] // 2 : size[1] // 2 + 12, x : x + 16] = (250, 20, 20)
                video_frame = av.VideoFrame.from_ndarray(frame, format="rgb24")
                for packet in stream.encode(video_frame):  # type: ignore[union-attr]
                    out.mux(packet)
        for packet in stream.encode():  # type: ignore[union-attr]
            out.mux(packet)
    return path
