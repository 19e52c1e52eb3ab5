"""Derivative file names: plain ASCII from whatever the phone called the photo, unique by content hash.

`<stem>-<tag>-<width>.<format>` and `<stem>-<tag>-share.jpg`, where `<tag>` starts the cache key.
Derived names are safe in URLs, `srcset` (no spaces or commas) and every file system; SAFE_NAME
states it, and templating, seo and search put these names into URLs and srcset unencoded.
"""

from __future__ import annotations

import re
from pathlib import Path

from chophien.core.text import slugify

MAX_STEM = 60  # characters of the original name kept in derivative names
# Every derivative's name: what templating, seo and search_index put into URLs and srcset unencoded.
SAFE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.(?:avif|webp|jpg)")
TAG_LENGTH = 10  # characters of the cache key in each name


def output_stem(source: str) -> str:
    """ASCII part of derivative names from a photo's file name: 'IMG 2024-05-01 (1).jpg' → 'img-2024-05-01-1'.

    Derived names are safe in URLs, `srcset` (no spaces or commas) and every file system, whatever
    the phone called the original; the content hash that follows keeps them unique.
    """
    stem = slugify(Path(source).stem)[:MAX_STEM].strip("-")
    return stem or "anh"


def derivative_name(stem: str, key: str, width: int, fmt: str) -> str:
    return f"{stem}-{key[:TAG_LENGTH]}-{width}.{fmt}"


def share_name(stem: str, key: str) -> str:
    return f"{stem}-{key[:TAG_LENGTH]}-share.jpg"


def tag_of(name: str) -> str:
    """The cache-key part of a derivative's name."""
    return name.rsplit("-", 2)[-2]  # "<stem>-<tag>-<width>.<ext>"
