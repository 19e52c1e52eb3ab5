"""Jinja filters and globals for the theme (formatting in Vietnamese conventions)."""

from __future__ import annotations

import datetime as dt

from .images import ProcessedImage
from .model import Image
from .schema import KINDS, STATUSES
from .text import format_date, format_money, format_phone, group_thousands

MONTHS = {m: f"tháng {m}" for m in range(1, 13)}


def money(amount: int | None) -> str:
    return "Liên hệ" if amount is None else format_money(amount)


def date_vi(day: dt.date | None) -> str:
    return format_date(day) if day else ""


def months_vi(months) -> str:
    """(9, 10, 11, 12) → 'tháng 9–12'; (1, 5, 6) → 'tháng 1, 5, 6'."""
    months = list(months)
    if not months:
        return ""
    if len(months) > 2 and months == list(range(months[0], months[0] + len(months))):
        return f"tháng {months[0]}–{months[-1]}"
    return "tháng " + ", ".join(str(m) for m in months)


def kind_label(slug: str) -> str:
    return KINDS[slug][0]


def status_label(slug: str) -> str:
    return STATUSES[slug][0]


def number(value: int) -> str:
    return group_thousands(value)


FILTERS = {
    "money": money,
    "phone": format_phone,
    "date_vi": date_vi,
    "months_vi": months_vi,
    "kind_label": kind_label,
    "status_label": status_label,
    "number": number,
}
GLOBALS: dict = {}


def install(env, images: dict[str, ProcessedImage], settings) -> None:
    """Add the catalogue-specific globals to a Jinja environment."""

    def photo(image: Image | None) -> ProcessedImage | None:
        return images.get(image.source) if image else None

    env.filters.update(FILTERS)
    env.globals["photo"] = photo
