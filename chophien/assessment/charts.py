"""Deterministic inline SVG charts — horizontal bars, 100% stacked bars, a radar, lines over time — for the chart pages.

The assessment pages (/danh-gia/) use the first three, the programme's figures (/so-lieu/, site/figures_pages.py)
the bars and the lines.

Every chart is an `<svg role="img">` labelled by its own `<title>` and `<desc>`; the page puts
the same numbers in a table beside it. Charts draw only what they are given: a hidden value
arrives as None and is drawn as a dashed "ẩn" box of no particular size, never as a length.
No scripts, no `data-*` attributes, no per-mark tooltips; coordinates are rounded to 0.1 so
the same input gives the same bytes. The 320-unit-wide viewBox keeps 12-unit text legible on
a 360 px phone; colours are light-to-dark ramps that stay distinct when printed in grey.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 320
FONT = 12
INK = "#1f2a1f"
MUTED = "#5b665b"
GRID = "#cfcabd"
HIDDEN_STROKE = "#6b6b6b"

# Ordinal ramps (light → dark): levels 0–5, equipment classes from none to flexible automation.
LEVEL_COLOURS = ("#e8efe2", "#c3dbb5", "#8fbf83", "#5a9a5c", "#2f6b3a", "#163d21")
EQUIPMENT_COLOURS = ("#f4e9dc", "#e2c49f", "#c98f55", "#9c5a25", "#5e300f")
SERIES_COLOURS = ("#2f6b3a", "#b5541c", "#23408e", "#6b3a8e")
SERIES_DASHES = ("", "6 3", "2 2", "8 3 2 3")
HIDDEN_TEXT = "ẩn"
# The few words a chart draws itself, per language (the pages give titles, labels and value texts).
# English mirrors the Vietnamese words; the site's English pages call the suppressed cells "hidden".
WORDS = {
    "vi": {"hidden": HIDDEN_TEXT, "too_few": "ẩn: quá ít phiếu"},
    "en": {"hidden": "hidden", "too_few": "hidden: too few responses"},
}


def number(value: float, decimals: int = 1, lang: str = "vi") -> str:
    """Vietnamese decimal: 12.5 → '12,5', 70.0 → '70'. English (lang="en"): 12.5 → '12.5',
    1234.5 → '1,234.5' (decimal point, thousands comma)."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"
    if lang == "en":
        whole, point, fraction = text.partition(".")
        sign = "-" if whole.startswith("-") else ""
        return f"{sign}{int(whole.lstrip('-') or 0):,}{point}{fraction}"
    return text.replace(".", ",")


def percent(value: float, lang: str = "vi") -> str:
    """70 → '70%', 7.14 → '7,1%' (no space, locale_vi.md); English '7.1%'."""
    return f"{number(value, lang=lang)}%"


def _n(value: float) -> str:
    """A coordinate: at most one decimal, no '-0'."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text_on(colour: str) -> str:
    """Ink or white, whichever reads better on *colour*."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#fff" if 0.299 * red + 0.587 * green + 0.114 * blue < 140 else INK


def _svg(chart_id: str, title: str, description: str, height: float, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" font-size="{FONT}" fill="{INK}">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-d">{escape(description)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _label(x: float, y: float, text: str, anchor: str = "start", **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escape(value)}"' for name, value in attributes.items())
    anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return f'<text x="{_n(x)}" y="{_n(y)}"{anchor_attr}{extra}>{escape(text)}</text>'


def _hidden_box(x: float, y: float, width: float, height: float, text: str) -> list[str]:
    parts = [
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" fill="#fff" '
        f'stroke="{HIDDEN_STROKE}" stroke-dasharray="3 2"/>'
    ]
    if width >= 6 * len(text) + 6:
        parts.append(_label(x + width / 2, y + height / 2 + 4, text, "middle", fill=MUTED))
    return parts


# --- horizontal bars -----------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: hidden
    text: str  # the value as shown at the end of the bar
    group: str = ""  # a heading drawn above the first bar of each group
    series: int = 0


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    maximum: float | None = None,
    lang: str = "vi",
) -> Markup:
    """One horizontal bar per item, label above it, value after it; groups get a heading."""
    top = max([b.value for b in bars if b.value is not None] + [0])
    scale_max = maximum or top or 1
    # Room after the longest bar for its value text (about 6.6 units a character at 12 units).
    track = WIDTH - 8 - 6.6 * max([len(b.text) for b in bars] + [4])
    body: list[str] = []
    y = 2.0
    group = None
    for bar in bars:
        if bar.group and bar.group != group:
            group = bar.group
            body.append(_label(0, y + 13, _fit(bar.group, 46), font_weight="bold"))
            y += 19
        if bar.label:
            body.append(_label(0, y + 12, _fit(bar.label, 50)))
            y += 16
        if bar.value is None:
            body.extend(_hidden_box(0, y, 44, 15, WORDS[lang]["hidden"]))
        else:
            colour = SERIES_COLOURS[bar.series % len(SERIES_COLOURS)]
            width = max(0.0, min(1.0, bar.value / scale_max)) * track
            body.append(f'<rect x="0" y="{_n(y)}" width="{_n(width)}" height="15" fill="{colour}"/>')
            body.append(_label(width + 4, y + 12, bar.text))
        y += 24
    return _svg(chart_id, title, description, y + 2, body)


# --- 100% stacked bars -------------------------------------------------------------------


@dataclass(frozen=True)
class StackRow:
    label: str
    total: int | None  # None: the whole row is hidden
    values: Sequence[int | None]  # one per category; None: hidden


def _legend(categories: Sequence[str], colours: Sequence[str], y: float) -> tuple[list[str], float]:
    longest = max(len(c) for c in categories)
    item_width = 6.4 * longest + 20
    columns = max(1, min(len(categories), int(WIDTH // item_width)))
    column_width = WIDTH / columns
    parts = []
    for index, label in enumerate(categories):
        row, column = divmod(index, columns)
        x, top = column * column_width, y + row * 17
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(top + 2)}" width="11" height="11" fill="{colours[index]}" stroke="{MUTED}" stroke-width=".5"/>'
        )
        parts.append(_label(x + 15, top + 12, label))
    rows = math.ceil(len(categories) / columns)
    return parts, y + rows * 17


def stacked_bar_chart(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    rows: Sequence[StackRow],
    colours: Sequence[str],
    lang: str = "vi",
) -> Markup:
    """Each row one bar split by category shares; hidden shares merge into one dashed box at the end."""
    body, y = _legend(categories, colours, 2)
    y += 6
    for row in rows:
        body.append(_label(0, y + 12, _fit(row.label, 52)))
        y += 15
        if not row.total:
            body.extend(_hidden_box(0, y, WIDTH, 18, WORDS[lang]["too_few"]))
            y += 26
            continue
        x = 0.0
        for value, colour in zip(row.values, colours[: len(row.values)], strict=True):
            if not value:
                continue
            width = WIDTH * value / row.total
            body.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="18" fill="{colour}" stroke="#fff" stroke-width=".5"/>'
            )
            share = percent(100 * value / row.total, lang)
            if width >= 6.2 * len(share) + 4:
                body.append(_label(x + width / 2, y + 13, share, "middle", fill=_text_on(colour)))
            x += width
        if any(v is None for v in row.values) and WIDTH - x > 0.05:
            body.extend(_hidden_box(x, y, WIDTH - x, 18, WORDS[lang]["hidden"]))
        y += 26
    return _svg(chart_id, title, description, y, body)


# --- radar ---------------------------------------------------------------------------

CHAR_WIDTH = 6.6  # about the width of a character at 12 units, as the bar chart reckons


def _axis_label(x: float, y: float, text: str, anchor: str) -> str:
    """A spoke's label; one too long for the room beside the radar (longer English names) goes on
    two lines at a space, or is drawn smaller, so that it stays inside the viewBox. A label that fits
    is drawn as it always was."""
    room = x if anchor == "end" else WIDTH - x
    if anchor == "middle" or CHAR_WIDTH * len(text) <= room:
        return _label(x, y, text, anchor)
    if " " in text:
        middle = len(text) // 2
        cut = min((i for i, ch in enumerate(text) if ch == " "), key=lambda i: abs(i - middle))
        lines = [text[:cut], text[cut + 1 :]]
        if all(CHAR_WIDTH * len(line) <= room for line in lines):
            spans = "".join(
                f'<tspan x="{_n(x)}" dy="{0 if i == 0 else 13}">{escape(line)}</tspan>'
                for i, line in enumerate(lines)
            )
            anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
            return f'<text x="{_n(x)}" y="{_n(y - 6)}"{anchor_attr}>{spans}</text>'
    size = max(8, int(FONT * room / (CHAR_WIDTH * len(text))))
    return _label(x, y, text, anchor, font_size=str(size))


def _series_style(number_: int) -> tuple[str, str]:
    """Series *number_*'s colour and its stroke-dasharray attribute ("" for a solid line)."""
    dash = SERIES_DASHES[number_ % len(SERIES_DASHES)]
    return SERIES_COLOURS[number_ % len(SERIES_COLOURS)], f' stroke-dasharray="{dash}"' if dash else ""


def _series_legend(names: Sequence[str], y: float) -> tuple[list[str], float]:
    """A line sample and a name per series from *y* down (none for a single series), and the new height."""
    if len(names) < 2:
        return [], y
    parts = []
    for number_, name in enumerate(names):
        colour, dash_attr = _series_style(number_)
        parts.append(
            f'<line x1="0" y1="{_n(y)}" x2="24" y2="{_n(y)}" stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        parts.append(_label(30, y + 4, _fit(name, 46)))
        y += 17
    return parts, y


def radar_chart(
    chart_id: str,
    title: str,
    description: str,
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    maximum: int = 5,
) -> Markup:
    """Pillar averages on spokes, rings at every whole level; one dashed style per series."""
    cx, cy, radius = WIDTH / 2, 124.0, 92.0
    count = len(axes)

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        r = radius * value / maximum
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    body = []
    for ring in range(1, maximum + 1):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in (point(i, ring) for i in range(count)))
        body.append(f'<polygon points="{points}" fill="none" stroke="{GRID}" stroke-width=".8"/>')
        x, y = point(0, ring)
        body.append(_label(x + 3, y + 4, str(ring), font_size="9", fill=MUTED))
    for index, axis in enumerate(axes):
        x, y = point(index, maximum)
        body.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}" stroke="{GRID}" stroke-width=".8"/>'
        )
        lx, ly = point(index, maximum * 1.12)
        anchor = "middle" if abs(lx - cx) < 4 else ("start" if lx > cx else "end")
        body.append(
            _axis_label(lx, ly + (4 if abs(ly - cy) < radius else (0 if ly < cy else 9)), axis, anchor)
        )
    for number_, (_name, values) in enumerate(series):
        colour, dash_attr = _series_style(number_)
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in (point(i, v) for i, v in enumerate(values)))
        body.append(
            f'<polygon points="{points}" fill="{colour}" fill-opacity=".18" stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        for x, y in (point(i, v) for i, v in enumerate(values)):
            body.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.5" fill="{colour}"/>')
    legend, height = _series_legend([name for name, _values in series], cy + radius + 30)
    return _svg(chart_id, title, description, height, body + legend)


# --- lines over time ---------------------------------------------------------------------------


def count(value: int, lang: str = "vi") -> str:
    """A whole count with the site's grouping: 1.234 (Vietnamese), 1,234 (English)."""
    text = f"{value:,}"
    return text if lang == "en" else text.replace(",", ".")


def _scale(top: float) -> tuple[float, float]:
    """A round step (1, 2 or 5 × 10ⁿ) giving at most 4 gridlines up to *top*, and the axis maximum."""
    if top <= 0:
        return 1, 1
    rough = top / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    step = max(step, 1)  # counts: no gridline between two whole numbers
    return step, math.ceil(top / step) * step


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    lang: str = "vi",
) -> Markup:
    """Counts over time: one line per series from zero, a dot per value when there are few, round
    gridlines with their value on the left, every few labels below, a legend for several series."""
    step, top = _scale(max([v for _name, values in series for v in values] + [0]))
    ticks = [step * i for i in range(int(top // step) + 1)]
    left = CHAR_WIDTH * max(len(count(int(t), lang)) for t in ticks) + 6
    plot_top, plot_height = 8.0, 150.0
    bottom = plot_top + plot_height
    width = WIDTH - left - 14
    n = len(labels)

    def x_of(index: int) -> float:
        return left + (width / 2 if n == 1 else width * index / (n - 1))

    def y_of(value: float) -> float:
        return bottom - plot_height * value / top

    body = []
    for tick in ticks:
        y = y_of(tick)
        body.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{WIDTH}" y2="{_n(y)}" stroke="{GRID}" stroke-width=".8"/>'
        )
        body.append(_label(left - 4, y + 4, count(int(tick), lang), "end", fill=MUTED))
    every = max(1, math.ceil(n * CHAR_WIDTH * (max(map(len, labels), default=1) + 2) / width))
    for index in range(0, n, every):
        half = 7.2 * len(labels[index]) / 2 + 1  # inside the viewBox at both ends (wide digits: 7.2)
        body.append(_label(min(max(x_of(index), half), WIDTH - half), bottom + 16, labels[index], "middle"))
    for number_, (_name, values) in enumerate(series):
        colour, dash_attr = _series_style(number_)
        points = [(x_of(i), y_of(v)) for i, v in enumerate(values)]
        if len(points) > 1:
            path = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>'
            )
        if n <= 36:
            body.extend(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.5" fill="{colour}"/>' for x, y in points)
    legend, height = _series_legend([name for name, _values in series], bottom + 30)
    return _svg(chart_id, title, description, height, body + legend)
