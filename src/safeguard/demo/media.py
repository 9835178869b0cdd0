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
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        params.setdefault("quality", 90)
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def picture_bytes(seed: int, fmt: str = "JPEG", size: tuple[int, int] = (320, 240)) -> bytes:
    return encode(synthetic_picture(seed, size), fmt)
