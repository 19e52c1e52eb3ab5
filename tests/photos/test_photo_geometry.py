"""chophien.photos.geometry: pure size maths, tested with parameters (no Pillow)."""

from __future__ import annotations

import pytest

from chophien.photos.geometry import cover_box, derivative_widths, fallback_width, scaled_size


@pytest.mark.parametrize(
    "size, target, expected",
    [((4000, 3000), 480, (480, 360)), ((3000, 4000), 480, (480, 640)), ((300, 200), 480, (300, 200)),
     ((1000, 333), 240, (240, 80)), ((1, 5000), 240, (1, 5000)), ((5000, 1), 240, (240, 1))],
)  # fmt: skip
def test_scaled_size_keeps_ratio_and_never_upscales(size, target, expected):
    assert scaled_size(*size, target) == expected


@pytest.mark.parametrize(
    "width, expected",
    [
        (4000, (240, 480, 960)),
        (960, (240, 480, 960)),
        (700, (240, 480, 700)),
        (480, (240, 480)),
        (200, (200,)),
    ],
)
def test_derivative_widths(width, expected):
    assert derivative_widths(width) == expected


@pytest.mark.parametrize(
    "width, expected", [(4000, 480), (960, 480), (700, 480), (480, 480), (300, 300), (200, 200), (1, 1)]
)
def test_one_jpeg_width_the_closest_to_480(width, expected):
    assert fallback_width(derivative_widths(width)) == expected


def test_fallback_width_tie_takes_the_smaller():
    assert fallback_width((240, 720), target=480) == 240


@pytest.mark.parametrize(
    "size, expected",
    [((1200, 630), (0, 0, 1200, 630)), ((2400, 630), (600, 0, 1800, 630)), ((1200, 1200), (0, 285, 1200, 915)),
     ((1000, 1000), (0, 237, 1000, 762))],
)  # fmt: skip
def test_cover_box_for_the_sharing_image(size, expected):
    assert cover_box(*size, 1200, 630) == expected


# --- photo shapes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size, box",
    [((1080, 18500), (0, 0, 1080, 3240)), ((18500, 1080), (7630, 0, 10870, 1080)), ((1, 5000), (0, 0, 1, 3)),
     ((5000, 1), (2498, 0, 2501, 1)), ((1000, 3000), (0, 0, 1000, 3000)), ((3000, 1000), (0, 0, 3000, 1000)),
     ((4000, 3000), (0, 0, 4000, 3000)), ((1, 1), (0, 0, 1, 1))],
)  # fmt: skip
def test_display_box_limits_the_aspect_ratio(size, box):
    from chophien.photos.geometry import display_box

    assert display_box(*size) == box
