"""Inline SVG charts: deterministic, well-formed, accessible, and blind to hidden values."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from chophien.assessment import charts
from chophien.assessment.charts import Bar, StackRow

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def assert_accessible(svg: str, chart_id: str, title: str) -> ET.Element:
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-t {chart_id}-d"
    assert root.find(f"{SVG}title").get("id") == f"{chart_id}-t"
    assert root.find(f"{SVG}title").text == title
    assert root.find(f"{SVG}desc").get("id") == f"{chart_id}-d"
    assert re.fullmatch(r"0 0 320 \d+(\.\d)?", root.get("viewBox"))
    for element in root.iter():
        assert element.tag not in (f"{SVG}script", f"{SVG}foreignObject", f"{SVG}a")
        for name in element.attrib:
            assert not name.startswith(("on", "data-")), name
        assert element.tag != f"{SVG}title" or element is root.find(f"{SVG}title"), "no per-mark tooltips"
    return root


BARS = [
    Bar("Mức 0 – Chưa khởi động", 26, "26 (15,5%)"),
    Bar("Mức 1 – Khởi động", 60, "60 (35,7%)"),
    Bar("Mức 2 – Bắt đầu", None, "ẩn"),
]


def test_bar_chart_is_valid_accessible_and_deterministic():
    first = charts.bar_chart("c-muc", "Số đơn vị theo mức", "Mức 0: 26; …", BARS)
    assert first == charts.bar_chart("c-muc", "Số đơn vị theo mức", "Mức 0: 26; …", BARS)
    root = assert_accessible(first, "c-muc", "Số đơn vị theo mức")
    rects = root.findall(f"{SVG}rect")
    solid = [r for r in rects if r.get("stroke-dasharray") is None]
    dashed = [r for r in rects if r.get("stroke-dasharray")]
    assert len(solid) == 2 and len(dashed) == 1
    # the longest published bar reaches the end of the track; lengths are proportional
    assert float(solid[0].get("width")) == pytest.approx(float(solid[1].get("width")) * 26 / 60, abs=0.1)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "26 (15,5%)" in texts and "ẩn" in texts


def test_a_hidden_bar_draws_no_length():
    shown = charts.bar_chart("c", "t", "d", [Bar("A", 50, "50"), Bar("B", None, "ẩn")])
    also_shown = charts.bar_chart("c", "t", "d", [Bar("A", 50, "50"), Bar("B", None, "ẩn")], maximum=None)
    assert shown == also_shown
    dashed = [r for r in parse(shown).iter(f"{SVG}rect") if r.get("stroke-dasharray")]
    assert dashed[0].get("width") == "44"  # a fixed box, whatever the hidden value


def test_labels_are_escaped():
    svg = charts.bar_chart("c", "<script>x</script>", 'a"b', [Bar("<b>A</b> & B", 5, "5")])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp; B" in svg
    parse(svg)


def test_stacked_bars_fill_the_width_and_merge_hidden_shares():
    rows = [
        StackRow("Tất cả (168)", 168, [26, 60, 66, 16]),
        StackRow("Lào Cai (18)", 18, [None, 9, None, 0]),
        StackRow("Cần Thơ (ẩn)", None, [None, 0, None, None]),
    ]
    svg = charts.stacked_bar_chart(
        "c-level", "Tỉ lệ", "…", ["Mức 0", "Mức 1", "Mức 2", "Mức 3"], rows, charts.LEVEL_COLOURS
    )
    root = assert_accessible(svg, "c-level", "Tỉ lệ")
    rects = root.findall(f"{SVG}rect")
    legend, bars = rects[:4], rects[4:]
    assert [r.get("fill") for r in legend] == list(charts.LEVEL_COLOURS[:4])
    first_row = bars[:4]
    assert sum(float(r.get("width")) for r in first_row) == pytest.approx(320, abs=0.3)
    lao_cai = bars[4:6]
    assert float(lao_cai[0].get("width")) == pytest.approx(160, abs=0.1)  # 9 of 18
    assert lao_cai[1].get("stroke-dasharray") and float(lao_cai[1].get("x")) == pytest.approx(160, abs=0.1)
    can_tho = bars[6]
    assert can_tho.get("stroke-dasharray") and can_tho.get("width") == "320"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "50%" in texts and "ẩn" in texts and "ẩn: quá ít phiếu" in texts


def test_radar_has_a_ring_per_level_and_a_polygon_per_series():
    axes = ["Khách hàng", "Chiến lược", "Hạ tầng", "Vận hành", "Văn hoá số", "Dữ liệu"]
    series = [("2026", [2.1, 1.1, 1.5, 1.5, 1.7, 1.2]), ("2022", [2, 1, 1, 1, 1, 1])]
    svg = charts.radar_chart("c-r", "Mức trung bình", "…", axes, series)
    assert svg == charts.radar_chart("c-r", "Mức trung bình", "…", axes, series)
    root = assert_accessible(svg, "c-r", "Mức trung bình")
    polygons = root.findall(f"{SVG}polygon")
    assert len(polygons) == 5 + 2
    assert len(polygons[5].get("points").split()) == 6
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert all(axis in texts for axis in axes) and "2022" in texts  # legend for two series
    # the top vertex of a value-5 ring is at radius 92 above the centre
    top = polygons[4].get("points").split()[0]
    assert top == "160,32"


@pytest.mark.parametrize(
    "value, text",
    [(70, "70%"), (70.0, "70%"), (7.14, "7,1%"), (15.476, "15,5%"), (0, "0%"), (100, "100%")],
)
def test_percent_uses_the_vietnamese_decimal_comma(value, text):
    assert charts.percent(value) == text


def test_number_formatting():
    assert charts.number(12.5) == "12,5"
    assert charts.number(1.04) == "1"
    assert charts.number(2.0) == "2"


# --- the English edition (issue 16): the same drawing, English words and number forms -------------


def test_numbers_are_vietnamese_by_default_and_english_on_request():
    assert [charts.number(v) for v in (12.5, 70.0, 1234.56, 0.04)] == ["12,5", "70", "1234,6", "0"]
    assert [charts.percent(v) for v in (7.14, 100)] == ["7,1%", "100%"]
    english = [charts.number(v, lang="en") for v in (12.5, 70.0, 1234.56, 0.04, -3.25)]
    assert english == ["12.5", "70", "1,234.6", "0", "-3.2"]
    assert [charts.percent(v, "en") for v in (7.14, 100, 43.94)] == ["7.1%", "100%", "43.9%"]


def test_the_vietnamese_chart_text_is_unchanged():
    """A fixed expectation: the Vietnamese charts draw the same words as before the English edition."""
    rows = [StackRow("Tất cả (20)", 20, [10, None, 5]), StackRow("Lào Cai (ẩn)", None, [None, None, None])]
    svg = charts.stacked_bar_chart(
        "c-level", "Tỉ lệ", "…", ["Mức 0", "Mức 1", "Mức 2"], rows, charts.LEVEL_COLOURS
    )
    texts = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert texts == [
        "Mức 0",
        "Mức 1",
        "Mức 2",
        "Tất cả (20)",
        "50%",
        "25%",
        "ẩn",
        "Lào Cai (ẩn)",
        "ẩn: quá ít phiếu",
    ]
    bars = [t.text for t in parse(charts.bar_chart("c", "t", "d", BARS)).iter(f"{SVG}text")]
    assert bars == [
        "Mức 0 – Chưa khởi động",
        "26 (15,5%)",
        "Mức 1 – Khởi động",
        "60 (35,7%)",
        "Mức 2 – Bắt đầu",
        "ẩn",
    ]


def test_english_charts_draw_english_words_and_the_same_marks():
    rows = [StackRow("All (20)", 20, [10, None, 5]), StackRow("Lào Cai (hidden)", None, [None, None, None])]
    vi_rows = [StackRow("Tất cả (20)", 20, [10, None, 5]), StackRow("Lào Cai (ẩn)", None, [None, None, None])]
    english = charts.stacked_bar_chart(
        "c-level", "Share", "…", ["Level 0", "Level 1", "Level 2"], rows, charts.LEVEL_COLOURS, lang="en"
    )
    texts = [t.text for t in parse(english).iter(f"{SVG}text")]
    assert texts == [
        "Level 0", "Level 1", "Level 2", "All (20)", "50%", "25%", "hidden", "Lào Cai (hidden)",
        "hidden: too few responses",
    ]  # fmt: skip
    vietnamese = charts.stacked_bar_chart(
        "c-level", "Tỉ lệ", "…", ["Mức 0", "Mức 1", "Mức 2"], vi_rows, charts.LEVEL_COLOURS
    )
    shapes = [
        (r.get("x"), r.get("width"), r.get("stroke-dasharray")) for r in parse(english).iter(f"{SVG}rect")
    ]
    assert shapes == [
        (r.get("x"), r.get("width"), r.get("stroke-dasharray")) for r in parse(vietnamese).iter(f"{SVG}rect")
    ]
    hidden_bar = charts.bar_chart("c", "t", "d", [Bar("A", 50, "50"), Bar("B", None, "hidden")], lang="en")
    assert [t.text for t in parse(hidden_bar).iter(f"{SVG}text")] == ["A", "50", "B", "hidden"]


def test_long_english_axis_labels_stay_inside_the_radar_s_viewbox():
    english = ["Customers", "Strategy", "Infrastructure", "Operations", "Digital culture", "Data"]
    vietnamese = ["Khách hàng", "Chiến lược", "Hạ tầng", "Vận hành", "Văn hoá số", "Dữ liệu"]
    levels = [("Tất cả", [2, 1, 2, 2, 2, 1])]
    root = parse(charts.radar_chart("c", "t", "d", english, levels))
    labels = [
        t
        for t in root.iter(f"{SVG}text")
        if "".join(t.itertext()) in english or t.find(f"{SVG}tspan") is not None
    ]
    assert ["".join(t.itertext()) for t in labels] == [
        "Customers",
        "Strategy",
        "Infrastructure",
        "Operations",
        "Digitalculture",
        "Data",
    ]
    for label in labels:
        x, size = float(label.get("x")), float(label.get("font-size", charts.FONT))
        lines = [s.text for s in label.iter(f"{SVG}tspan")] or [label.text]
        width = max(len(line) for line in lines) * charts.CHAR_WIDTH * size / charts.FONT
        anchor = label.get("text-anchor", "start")
        left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
        assert 0 <= left and left + width <= 320, label.attrib
    # the Vietnamese labels fit: one line each, full size, as before
    plain = parse(charts.radar_chart("c", "t", "d", vietnamese, levels))
    drawn = [t for t in plain.iter(f"{SVG}text") if t.text in vietnamese]
    assert len(drawn) == 6 and not any(t.get("font-size") for t in drawn)
    assert plain.find(f".//{SVG}tspan") is None


# --- lines over time (the programme's figures, /so-lieu/) --------------------------------------------

MONTHS = ["8/2026", "9/2026", "10/2026", "11/2026"]
SERIES = [("Sản phẩm", [1, 1, 2, 1234]), ("Hợp tác xã", [1, 1, 1, 2])]


def test_line_chart_is_valid_accessible_and_deterministic():
    svg = charts.line_chart("c-t", "Tăng trưởng", "Biểu đồ đường.", MONTHS, SERIES)
    root = assert_accessible(svg, "c-t", "Tăng trưởng")
    assert svg == charts.line_chart("c-t", "Tăng trưởng", "Biểu đồ đường.", MONTHS, SERIES)
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2 and lines[1].get("stroke-dasharray")  # told apart without colour
    assert len(root.findall(f"{SVG}circle")) == 8  # a dot per value
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[-2:] == ["Sản phẩm", "Hợp tác xã"]  # the legend
    assert "1.500" in texts and "0" in texts  # round gridlines, Vietnamese grouping
    assert "1,500" in [
        t.text for t in parse(charts.line_chart("c", "t", "d", MONTHS, SERIES, lang="en")).iter(f"{SVG}text")
    ]


def test_line_chart_points_stay_inside_the_plot_and_zero_is_the_baseline():
    root = parse(charts.line_chart("c", "t", "d", MONTHS, [("Sản phẩm", [0, 3, 0, 7])]))
    ys = [float(c.get("cy")) for c in root.findall(f"{SVG}circle")]
    xs = [float(c.get("cx")) for c in root.findall(f"{SVG}circle")]
    assert ys[0] == ys[2] == max(ys) and ys[3] == min(ys) > 0
    assert xs == sorted(xs) and 0 < xs[0] and xs[-1] <= 320
    assert root.find(f"{SVG}line[@stroke-dasharray]") is None  # one series: no legend


def test_line_chart_of_one_month_or_all_zeros_draws_dots_not_a_broken_line():
    one = parse(charts.line_chart("c", "t", "d", ["12/2026"], [("Sản phẩm", [0])]))
    assert one.find(f"{SVG}polyline") is None and len(one.findall(f"{SVG}circle")) == 1
    assert float(one.find(f"{SVG}circle").get("cx")) > 100  # in the middle


def test_line_chart_labels_thin_out_when_there_are_many_months():
    months = [f"{m}/{y}" for y in (2025, 2026, 2027) for m in range(1, 13)]
    root = parse(charts.line_chart("c", "t", "d", months, [("Sản phẩm", list(range(36)))]))
    shown = [t.text for t in root.iter(f"{SVG}text") if "/" in (t.text or "")]
    assert shown[0] == "1/2025" and 3 <= len(shown) <= 6


def test_line_chart_month_labels_stay_inside_the_viewbox():
    root = parse(charts.line_chart("c", "t", "d", ["Nov 2026", "Dec 2026"], [("Sản phẩm", [20, 79])]))
    for text in root.iter(f"{SVG}text"):
        if "2026" in text.text:
            half = 7 * len(text.text) / 2  # digits and capitals are wider than the average 6.6
            assert half <= float(text.get("x")) <= charts.WIDTH - half, text.text
