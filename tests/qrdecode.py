"""Decode the QR codes the site publishes: rasterise segno's SVG path, read it with zxing-cpp."""

from __future__ import annotations

import re

from PIL import Image, ImageDraw

SCALE = 8


def rasterise(svg: bytes | str) -> Image.Image:
    """A greyscale image of a segno SVG (one stroked path of unit-high horizontal lines)."""
    text = svg.decode() if isinstance(svg, bytes) else svg
    width, height = (int(v) for v in re.search(r'viewBox="0 0 (\d+) (\d+)"', text).group(1, 2))
    path = re.search(r'<path[^>]*stroke="#000"[^>]*\sd="([^"]+)"', text).group(1)
    image = Image.new("L", (width * SCALE, height * SCALE), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, a, b in re.findall(r"([MmHhVvZz])\s*(-?[\d.]+)?(?:[ ,]+(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        elif command == "h":
            end = x + float(a)
            top = (y - 0.5) * SCALE
            draw.rectangle([x * SCALE, top, end * SCALE - 1, top + SCALE - 1], fill=0)
            x = end
        else:
            raise ValueError(f"unexpected SVG path command {command!r}")
    return image


def decode(image: Image.Image) -> list[str]:
    import zxingcpp

    return [result.text for result in zxingcpp.read_barcodes(image)]
