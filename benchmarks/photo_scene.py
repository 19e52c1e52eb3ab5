"""A synthetic phone photo: a 12 MP busy scene with the size and entropy of a real camera JPEG.

Thousands of overlapping shapes at every scale plus sensor-like noise: edges everywhere, harder
to compress than most real photos, so derivative sizes measured on it are pessimistic. Shared by
scripts/image_sizes.py (the budget table of docs/photos.md) and benchmarks/run.py (`--photos
realistic`, the scale table of docs/benchmarks.md). The shapes follow *seed*; the noise is
Pillow's `effect_noise` (two runs of `make bench` gave byte-identical photos).
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

PHONE_SIZE = (4032, 3024)  # 12 MP, the main camera of most phones
SEED = 20261127


def busy_scene(path: Path, seed: int = SEED, size: tuple[int, int] = PHONE_SIZE, quality: int = 92) -> None:
    """Write a *size* scene of thousands of overlapping shapes with texture as a JPEG at *path*."""
    rng = random.Random(seed)
    width, height = size
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for shape in (900, 300, 100, 30, 10):
        for _ in range(int(1.2 * width * height / (shape * shape * 8))):
            x, y = rng.randrange(width), rng.randrange(height)
            w, h = rng.randint(shape // 2, shape), rng.randint(shape // 2, shape)
            colour = tuple(rng.randrange(256) for _ in range(3))
            if rng.random() < 0.5:
                draw.ellipse((x, y, x + w, y + h), fill=colour)
            else:
                draw.line((x, y, x + w, y + h), fill=colour, width=max(1, shape // 10))
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    Image.blend(image, noise, 0.15).filter(ImageFilter.SMOOTH).save(path, "JPEG", quality=quality)
