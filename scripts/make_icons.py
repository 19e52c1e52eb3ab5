#!/usr/bin/env python3
"""Draw the web app icons (theme/static/icons/*.png) from the favicon's design, deterministically.

The favicon (theme/static/favicon.svg) is a yellow diamond on a green rounded square; browsers want
PNGs for "Thêm vào màn hình chính": 192 and 512 px, and a maskable 512 px one whose diamond stays in
the central safe circle (radius 40 %) with the green to the edges. Drawn at 4× and reduced with
Lanczos, saved without any date, so the same Pillow writes the same bytes.

    python scripts/make_icons.py          # write the PNGs
    python scripts/make_icons.py --check  # exit 1 when a committed PNG differs from what this draws
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "theme" / "static" / "icons"
GREEN = (0x2F, 0x6B, 0x3A, 255)  # --brand
YELLOW = (0xF4, 0xC5, 0x42, 255)
SCALE = 4
ICONS = {  # file name: (size, maskable)
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "icon-maskable-512.png": (512, True),
}


def draw(size: int, maskable: bool) -> bytes:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:  # full bleed: the launcher cuts its own shape
        pen.rectangle((0, 0, big, big), fill=GREEN)
        half = big * 0.30  # the diamond's half diagonal, inside the 40 % safe circle
    else:  # the favicon's proportions: 32 units, corner radius 6, diamond from 5 to 27
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 6 / 32, fill=GREEN)
        half = big * 11 / 32
    centre = big / 2
    pen.polygon(
        [(centre, centre - half), (centre + half, centre), (centre, centre + half), (centre - half, centre)],
        fill=YELLOW,
    )
    small = image.resize((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, (size, maskable) in ICONS.items():
        data = draw(size, maskable)
        path = FOLDER / name
        if check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(name)
            continue
        FOLDER.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{path.relative_to(ROOT)}: {len(data)} bytes")
    if stale:
        print(
            "Icons differ from scripts/make_icons.py: " + ", ".join(stale) + " (run it and commit)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
