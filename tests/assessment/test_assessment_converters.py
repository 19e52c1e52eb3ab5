"""chophien.assessment.converters: the assessment files' own values, tested directly with parameters."""

from __future__ import annotations

import pytest

from chophien.assessment.converters import criterion_key, decimal, percent, region, slug
from chophien.catalogue.field_types import Invalid


@pytest.mark.parametrize(
    "raw, value", [("70", 70.0), ("70%", 70.0), (" 6,5 ", 6.5), ("6.5", 6.5), ("0", 0.0)]
)
def test_a_decimal_takes_a_comma_a_point_or_a_percent_sign(raw, value):
    assert percent(raw) == value


@pytest.mark.parametrize(
    "raw, message",
    [
        ("1.000,5", "“1.000,5” không phải một tỉ lệ phần trăm (0–100)"),
        ("bảy mươi", "“bảy mươi” không phải một tỉ lệ phần trăm (0–100)"),
        ("100,5", "100,5 nằm ngoài khoảng 0–100"),
    ],
)
def test_a_decimal_out_of_range_or_not_a_number_is_refused(raw, message):
    with pytest.raises(Invalid) as error:
        percent(raw)
    assert error.value.vi == message


def test_a_decimal_has_its_own_range():
    average_level = decimal(0, 9, "một mức trung bình", "an average level")
    assert average_level("1,8") == 1.8
    with pytest.raises(Invalid) as error:
        average_level("9,5")
    assert error.value.vi == "9,5 nằm ngoài khoảng 0–9"


@pytest.mark.parametrize("convert, good, bad", [(slug, "tu-dong", "Tự động"), (criterion_key, "kh1", "1kh")])
def test_codes_are_lowercase_ascii(convert, good, bad):
    assert convert(f" {good} ") == good
    with pytest.raises(Invalid) as error:
        convert(bad)
    assert error.value.vi.startswith(f"“{bad}” phải là chữ thường không dấu, số (và dấu gạch ngang), ví dụ ")


@pytest.mark.parametrize(
    "raw", ["trung-du-mien-nui-phia-bac", "Trung du và miền núi phía Bắc", "TRUNG DU VA MIEN NUI PHIA BAC"]
)
def test_a_region_is_its_slug_or_its_name(raw):
    assert region(raw) == "trung-du-mien-nui-phia-bac"


def test_an_unknown_region_suggests_the_nearest():
    with pytest.raises(Invalid) as error:
        region("trung-du-mien-nui-phia-bac-x")
    assert error.value.vi.startswith("không có vùng “trung-du-mien-nui-phia-bac-x” (")
    assert "trung-du-mien-nui-phia-bac" in error.value.vi.split(")", 1)[1]  # the hint after the list
