"""The build's list of its photos when they are served from CHOPHIEN_MEDIA_URL (a bucket or a CDN), for publishing.

Written into the output as `media/.chophien-media.json` (urls.media_list) only when CHOPHIEN_MEDIA_URL is
set, removed by the next build without it. It says two things to the tools that publish
(chophien/publishing/media.py, docs/publishing.md): that the pages fetch their photos from
`media_url`, so `make publish` leaves `media/` off the page host; and which files of `media/` the
release uses, so `make publish-media` uploads exactly those and writes them into the release's
manifest in the bucket. Every processed photo's files are listed (`ProcessedImage.files()`: every
width and format and the sharing image), whichever the pages name today: a superset is safe.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from chophien.photos.model import ProcessedImage
from chophien.photos.names import SAFE_NAME

FORMAT = "chophien-media-list"
VERSION = 1


class MediaListError(ValueError):
    """The list cannot be used (hand-edited, from another version, damaged): one line, Vietnamese."""


def media_list_text(media_url: str, images: Mapping[str, ProcessedImage]) -> str:
    names = sorted({d.name for image in images.values() for d in image.files()})
    data = {"format": FORMAT, "version": VERSION, "media_url": media_url, "files": names}
    return json.dumps(data, ensure_ascii=True, indent=0) + "\n"


def parse_media_list(text: str) -> tuple[str, list[str]]:
    """(media_url, file names) of a list written by media_list_text; MediaListError when it is not one."""
    try:
        data = json.loads(text)
    except ValueError:
        raise MediaListError("danh sách ảnh không phải JSON hợp lệ") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise MediaListError(f"danh sách ảnh không phải {FORMAT} phiên bản {VERSION}")
    media_url, names = data.get("media_url"), data.get("files")
    if not isinstance(media_url, str) or not media_url.endswith("/"):
        raise MediaListError("danh sách ảnh thiếu media_url")
    if not isinstance(names, list) or not all(isinstance(n, str) and SAFE_NAME.fullmatch(n) for n in names):
        raise MediaListError("danh sách ảnh có tên tệp không hợp lệ")
    return media_url, names
