"""Pure size maths of photo derivatives: which widths, scaled sizes, the sharing crop, the shown part.

No Pillow here: every function takes and returns integers, and is tested with parameters
(as Lektor's `imagetools.compute_dimensions`).
"""

from __future__ import annotations

WIDTHS = (240, 480, 960)
FALLBACK_WIDTH = 480  # the one JPEG (the `<img src>`): browsers without WebP get this width only
SHARE_SIZE = (1200, 630)  # Open Graph / Zalo preview
MAX_ASPECT = 3  # longest side at most 3× the shortest on a page; a longer photo is cropped
MAX_OUTPUT_SIDE = 16383  # WebP's limit, the smallest of the three encoders'


def scaled_size(width: int, height: int, target_width: int) -> tuple[int, int]:
    """Size at *target_width*, keeping the aspect ratio; never upscales."""
    if target_width >= width:
        return width, height
    return target_width, max(1, round(height * target_width / width))


def derivative_widths(width: int, widths: tuple[int, ...] = WIDTHS) -> tuple[int, ...]:
    """Widths to produce: each target below the original, plus the original when it is smaller than the largest."""
    chosen = {w for w in widths if w <= width}
    if width < max(widths):
        chosen.add(width)
    return tuple(sorted(chosen))


def fallback_width(widths: tuple[int, ...], target: int = FALLBACK_WIDTH) -> int:
    """The one width of *widths* (a photo's `derivative_widths`) made as JPEG: the closest to *target*, the smaller on a tie."""
    return min(widths, key=lambda w: (abs(w - target), w))


def cover_box(width: int, height: int, target_width: int, target_height: int) -> tuple[int, int, int, int]:
    """The centred crop of a width×height image that has the target's aspect ratio."""
    target_ratio = target_width / target_height
    if width / height > target_ratio:  # too wide: trim the sides
        crop_width = round(height * target_ratio)
        left = (width - crop_width) // 2
        return left, 0, left + crop_width, height
    crop_height = max(1, round(width / target_ratio))
    top = (height - crop_height) // 2
    return 0, top, width, top + crop_height


def display_box(width: int, height: int, max_aspect: int = MAX_ASPECT) -> tuple[int, int, int, int]:
    """The part of a photo shown on pages: all of it, unless one side is over *max_aspect* × the other.

    A long phone screenshot (1080×18500) keeps its top (where it starts to make sense); a very wide
    panorama keeps its centre. Every derivative then stays far inside the encoders' size limits and a
    page never holds a 10-screen-long image.
    """
    if height > width * max_aspect:
        return 0, 0, width, width * max_aspect
    if width > height * max_aspect:
        crop_width = height * max_aspect
        left = (width - crop_width) // 2
        return left, 0, left + crop_width, height
    return 0, 0, width, height
