"""Converters of the assessment files' own values: codes, decimals and percentages, regions.

Each takes the raw text of a YAML scalar or a CSV cell and returns the value, or raises Invalid
with a Vietnamese and an English message (the converters shared with the catalogue are in
chophien.catalogue.schema).
"""

from __future__ import annotations

import re

from chophien import reference
from chophien.catalogue.field_types import Invalid
from chophien.core.text import SLUG, did_you_mean, hint, search_key

CRITERION_KEY = re.compile(r"[a-z][a-z0-9]{0,15}")
ANONYMOUS = re.compile(r"an-[a-z0-9]+(?:-[a-z0-9]+)*")


def key(pattern: re.Pattern, example: str):
    """A code matching *pattern* (lowercase ASCII letters, digits, dashes), e.g. *example*."""

    def convert(raw: str) -> str:
        value = raw.strip()
        if not pattern.fullmatch(value):
            raise Invalid(
                f"“{raw}” phải là chữ thường không dấu, số (và dấu gạch ngang), ví dụ {example}",
                f"“{raw}” must be lowercase ASCII letters and digits (and dashes), e.g. {example}",
            )
        return value

    return convert


def decimal(minimum: float, maximum: float, what_vi: str, what_en: str):
    """'70', '70%', '6,5' and '6.5' are all numbers here: none of them can be a thousands group."""

    def convert(raw: str) -> float:
        text = raw.strip().removesuffix("%").strip().replace(",", ".")
        if not re.fullmatch(r"\d+(\.\d+)?", text):
            raise Invalid(f"“{raw}” không phải {what_vi}", f"“{raw}” is not {what_en}")
        value = float(text)
        if not minimum <= value <= maximum:
            raise Invalid(
                f"{raw.strip()} nằm ngoài khoảng {minimum:g}–{maximum:g}",
                f"{raw.strip()} is outside {minimum:g}–{maximum:g}",
            )
        return value

    return convert


percent = decimal(0, 100, "một tỉ lệ phần trăm (0–100)", "a percentage (0–100)")
slug = key(SLUG, "tu-dong-co-dinh")
criterion_key = key(CRITERION_KEY, "kh1")


def region(raw: str) -> str:
    """A region's slug from its slug or its name, in any case and with or without accents."""
    wanted = search_key(raw)
    for candidate in reference.regions():
        if wanted in (search_key(candidate.slug), search_key(candidate.name)):
            return candidate.slug
    slugs = [r.slug for r in reference.regions()]
    guess = did_you_mean(raw, slugs)
    hint_vi, hint_en = hint(guess)
    raise Invalid(
        f"không có vùng “{raw}” ({', '.join(slugs)}){hint_vi}",
        f"there is no region “{raw}” ({', '.join(slugs)}){hint_en}",
    )
